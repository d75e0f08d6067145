// JavaHog: a JVM that grows its Java heap on command, for the runtime-attribution tests
// (tests/e2e/test_runtimes.py). Prints "ready PID"; then per stdin line:
//   grow N   keeps N MiB more of 64 KiB byte arrays alive (filled, so their pages are touched)
//   exit     exits 0 (EOF too)
// and answers every command with "ok USED TOTAL": Runtime.totalMemory() - freeMemory() after a
// full GC (the live heap) and totalMemory() (the committed heap), in bytes.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

public class JavaHog {
    public static void main(String[] args) throws Exception {
        List<byte[]> keep = new ArrayList<>();
        Runtime rt = Runtime.getRuntime();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        System.out.println("ready " + ProcessHandle.current().pid());
        System.out.flush();
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split("\\s+");
            if (w[0].equals("exit")) break;
            if (w[0].equals("grow")) {
                int mib = Integer.parseInt(w[1]);
                for (int i = 0; i < mib * 16; i++) {
                    byte[] b = new byte[65536];
                    Arrays.fill(b, (byte) 1);
                    keep.add(b);
                }
            } else if (!w[0].equals("stat")) {
                System.out.println("err unknown command " + w[0]);
                System.out.flush();
                continue;
            }
            System.gc();
            System.out.println("ok " + (rt.totalMemory() - rt.freeMemory()) + " " + rt.totalMemory());
            System.out.flush();
        }
    }
}
