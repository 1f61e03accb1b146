package io.edgespot.proxy.config;

/**
 * One error found in a config file: where it is, and what is wrong.
 *
 * @param file    the config file's name as the user gave it
 * @param line    1-based line number, or 0 when the problem has no single line
 * @param path    the key path, e.g. {@code tenants[0].routes[2].to}
 * @param message what is wrong, in one sentence, never containing secret values
 */
public record ConfigProblem(String file, int line, String path, String message) {

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (!path.isEmpty()) {
            sb.append(path).append(": ");
        }
        return sb.append(message).toString();
    }
}
