package io.edgespot.loadtest.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every JMH benchmark once, in this JVM, and fails if one throws: a benchmark broken by a change elsewhere
 * (a decoder that now hands on other message shapes, say) shows up in the build instead of on the next
 * measurement. It measures nothing; the benchmarks run from {@code edgespot-jmh.jar}, see docs/performance.md.
 */
class BenchmarkSmokeTest {

    @Test
    void everyBenchmarkRunsOnceWithEachOfItsParameters() throws RunnerException {
        Set<String> listed = BenchmarkList.defaultList()
                .find(OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of(".*"), List.of())
                .stream()
                .map(BenchmarkListEntry::getUsername)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(listed).as("benchmarks the JMH generator found").hasSizeGreaterThan(10);

        Options once = new OptionsBuilder()
                .forks(0)
                .mode(Mode.SingleShotTime)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementBatchSize(1)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(once).run();

        assertThat(results.stream().map(r -> r.getParams().getBenchmark()).collect(Collectors.toSet()))
                .as("benchmarks that ran").isEqualTo(listed);
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getSampleCount()).isPositive());
    }
}
