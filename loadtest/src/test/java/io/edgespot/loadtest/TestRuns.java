package io.edgespot.loadtest;

/** Runs a scenario from a command line in-process, without progress output. */
final class TestRuns {

    private TestRuns() {
    }

    static Report run(String... argv) throws Exception {
        Args args = Args.parse(argv);
        return Scenarios.create(args.scenario()).run(args, new Progress(null));
    }
}
