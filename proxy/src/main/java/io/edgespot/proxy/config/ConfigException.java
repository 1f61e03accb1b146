package io.edgespot.proxy.config;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when a config cannot be used; carries every problem found, each with its place. */
public final class ConfigException extends Exception {

    private final List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
