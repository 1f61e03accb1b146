package io.edgespot.loadtest;

import java.io.PrintStream;

/**
 * The {@code edgespot-load} command: {@code edgespot-load SCENARIO --url URL [options]}.
 *
 * <p>Exit codes: 0 after a run, 2 for a command-line mistake, 1 if the run could not be set up.
 */
public final class LoadMain {

    private LoadMain() {
    }

    /**
     * Runs the command and exits with its status.
     *
     * @param argv the command line
     */
    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    /**
     * Runs the command without exiting, for tests and embedding.
     *
     * @param argv the command line
     * @param out where the report goes
     * @param err where progress and errors go
     * @return the exit status
     */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        Args args;
        try {
            args = Args.parse(argv);
        } catch (ArgsException e) {
            err.println("edgespot-load: " + e.getMessage());
            err.println(Args.USAGE);
            return 2;
        }
        if (args.help()) {
            out.println(Args.USAGE);
            return 0;
        }
        try {
            Report report = Scenarios.create(args.scenario()).run(args, new Progress(args.quiet() ? null : err));
            out.print(args.json() ? report.toJson() + System.lineSeparator() : report.toTable());
            out.flush();
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("edgespot-load: interrupted");
            return 1;
        } catch (Exception e) {
            err.println("edgespot-load: " + e);
            return 1;
        }
    }
}
