package io.edgespot.proxy.admin;

import java.util.List;

/**
 * The outcome of {@code POST /reload}.
 *
 * @param applied    whether the new config is now in effect
 * @param generation the generation in effect afterwards (unchanged when not applied)
 * @param problems   why it was rejected, each formatted like
 *                   {@code edge.yaml:41: tenants[0].routes[2].to: no cluster named 'orign'}; empty when applied
 */
public record ReloadResult(boolean applied, long generation, List<String> problems) {

    public ReloadResult {
        problems = List.copyOf(problems);
    }
}
