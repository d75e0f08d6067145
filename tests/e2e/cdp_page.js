// Drives one Chromium page over the DevTools protocol (Node 20: node --experimental-websocket,
// no npm package): loads a URL, records console errors, exceptions and every network request,
// evaluates a DOM query, takes a screenshot. Used by test_browser.py, which starts Chromium.
//   node --experimental-websocket cdp_page.js WS_URL PAGE_URL SCREENSHOT.png 'JS expression'
// Prints one JSON object: {console_errors, exceptions, requests, dom, screenshot_bytes}.
const fs = require("fs");
const [wsUrl, pageUrl, shotPath, expression] = process.argv.slice(2);

const ws = new WebSocket(wsUrl);
let nextId = 1;
const pending = new Map();
const waiters = [];
const result = { console_errors: [], exceptions: [], requests: [], dom: null, screenshot_bytes: 0 };

function send(method, params = {}) {
  const id = nextId++;
  ws.send(JSON.stringify({ id, method, params }));
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject, method }));
}
function waitFor(method) {
  return new Promise((resolve) => waiters.push({ method, resolve }));
}

ws.onmessage = (event) => {
  const msg = JSON.parse(event.data);
  if (msg.id && pending.has(msg.id)) {
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
    else p.resolve(msg.result);
    return;
  }
  const params = msg.params || {};
  if (msg.method === "Runtime.consoleAPICalled" && (params.type === "error" || params.type === "assert"))
    result.console_errors.push(params.args.map((a) => a.value ?? a.description).join(" "));
  if (msg.method === "Log.entryAdded" && params.entry.level === "error")
    result.console_errors.push(`${params.entry.source}: ${params.entry.text} ${params.entry.url || ""}`);
  if (msg.method === "Runtime.exceptionThrown")
    result.exceptions.push(params.exceptionDetails.text);
  if (msg.method === "Network.requestWillBeSent") result.requests.push(params.request.url);
  for (let i = waiters.length - 1; i >= 0; --i) {
    if (waiters[i].method === msg.method) {
      waiters[i].resolve(params);
      waiters.splice(i, 1);
    }
  }
};

const timer = setTimeout(() => {
  console.error("cdp_page.js: timed out");
  process.exit(2);
}, 60000);

ws.onopen = async () => {
  try {
    await send("Page.enable");
    await send("Runtime.enable");
    await send("Log.enable");
    await send("Network.enable");
    await send("Emulation.setDeviceMetricsOverride", { width: 1200, height: 900, deviceScaleFactor: 1, mobile: false });
    const loaded = waitFor("Page.loadEventFired");
    await send("Page.navigate", { url: pageUrl });
    await loaded;
    await new Promise((r) => setTimeout(r, 300));  // late console messages or requests
    const r = await send("Runtime.evaluate", { expression, returnByValue: true });
    if (r.exceptionDetails) throw new Error(`query failed: ${r.exceptionDetails.text}`);
    result.dom = r.result.value;
    const shot = await send("Page.captureScreenshot", { format: "png", captureBeyondViewport: true });
    const bytes = Buffer.from(shot.data, "base64");
    fs.writeFileSync(shotPath, bytes);
    result.screenshot_bytes = bytes.length;
    console.log(JSON.stringify(result));
    clearTimeout(timer);
    ws.close();
    process.exit(0);
  } catch (e) {
    console.error(`cdp_page.js: ${e.message}`);
    process.exit(1);
  }
};
ws.onerror = (e) => {
  console.error(`cdp_page.js: websocket error ${e.message || ""}`);
  process.exit(1);
};
