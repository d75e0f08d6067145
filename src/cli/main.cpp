#include "cli/app.h"

int main(int argc, char** argv) { return memsnap::run_memsnap(argc, argv); }
