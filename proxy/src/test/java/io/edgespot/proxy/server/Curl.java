package io.edgespot.proxy.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code curl} command line client, for what the JDK clients cannot do: an SNI name other than
 * {@code localhost} ({@code --resolve NAME:PORT:127.0.0.1}), a {@code Host} header that disagrees with SNI, HTTP/2
 * with any authority, {@code Expect: 100-continue}.
 *
 * <p>Every run is bounded: curl gets {@code --max-time}, and the process is killed if it outlives it.
 */
final class Curl {

    /**
     * What curl saw.
     *
     * @param exitCode    curl's exit code (0 on success, e.g. 35 for a TLS handshake failure)
     * @param statuses    the status of every response head received, interim ones (100) included
     * @param headers     the final response's headers, names in lower case
     * @param body        the final response's body
     * @param httpVersion {@code %{http_version}}: 1.1 or 2
     * @param stderr      curl's diagnostics ({@code -v} output when asked)
     */
    record Result(int exitCode, List<Integer> statuses, Map<String, String> headers, String body,
                  String httpVersion, String stderr) {

        int status() {
            return statuses.isEmpty() ? -1 : statuses.get(statuses.size() - 1);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private Curl() {
    }

    /**
     * Runs {@code curl -sS} with {@code args} (URL included).
     *
     * @param dir     a directory for the header and body files
     * @param timeout bound on the whole run
     */
    static Result run(Path dir, Duration timeout, String... args) throws IOException, InterruptedException {
        Path headers = Files.createTempFile(dir, "curl", ".headers");
        Path body = Files.createTempFile(dir, "curl", ".body");
        Path err = Files.createTempFile(dir, "curl", ".stderr");
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time",
                Long.toString(Math.max(1, timeout.toSeconds())), "-D", headers.toString(), "-o", body.toString(),
                "-w", "%{http_version}"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        if (!p.waitFor(timeout.toMillis() + 2000, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException("curl did not finish within " + timeout + ": " + cmd);
        }
        String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        List<Integer> statuses = new ArrayList<>();
        Map<String, String> last = new LinkedHashMap<>();
        for (String line : Files.readAllLines(headers, StandardCharsets.ISO_8859_1)) {
            if (line.startsWith("HTTP/")) {
                String[] parts = line.split(" ");
                statuses.add(Integer.parseInt(parts[1].trim()));
                last = new LinkedHashMap<>();
            } else {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    last.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).trim(), (a, b) -> a + "," + b);
                }
            }
        }
        return new Result(p.exitValue(), statuses, last, Files.readString(body, StandardCharsets.ISO_8859_1),
                version, Files.readString(err, StandardCharsets.UTF_8));
    }
}
