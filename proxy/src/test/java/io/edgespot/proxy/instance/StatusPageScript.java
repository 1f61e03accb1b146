package io.edgespot.proxy.instance;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Node script {@code src/test/js/status-page.mjs}, which drives the status page in headless Chromium through
 * playwright-core: installed with {@code npm ci} from its committed lockfile into {@code target/status-page-js},
 * started against the page's URL, then commanded one line at a time, each answered by one JSON line.
 *
 * <p>Missing Node.js, npm or Chromium fail the test with what to install; nothing here skips. Every wait is
 * bounded, and a script that outlives its answer time is killed.
 */
final class StatusPageScript implements AutoCloseable {

    private static final Path SOURCE = Path.of("src", "test", "js");
    private static final Path INSTALL = Path.of("target", "status-page-js");
    private static final List<String> FILES = List.of("package.json", "package-lock.json", "status-page.mjs");
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final Path stderr;
    private final JsonObject firstReading;

    /** Takes over a started script and waits for its first reading. */
    private StatusPageScript(Process process, Path stderr) throws IOException, InterruptedException {
        this.process = process;
        this.stderr = stderr;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        JsonObject ready = answer();
        if (!ready.has("ready")) {
            throw new AssertionError("status-page.mjs did not get ready: " + ready);
        }
        this.firstReading = ready.getAsJsonObject("reading");
    }

    /**
     * Installs the script and opens the page in the browser; returns once the page shows live data.
     *
     * @param url         the status page
     * @param screenshots where screenshots go
     * @param token       the admin bearer token, sent with every request of the page
     */
    static StatusPageScript open(String url, Path screenshots, String token) throws IOException, InterruptedException {
        install();
        Path stderr = INSTALL.resolve("status-page.stderr");
        ProcessBuilder pb = new ProcessBuilder("node", "status-page.mjs", url, screenshots.toAbsolutePath().toString())
                .directory(INSTALL.toFile()).redirectError(stderr.toFile());
        pb.environment().put("EDGESPOT_ADMIN_TOKEN", token);
        Process process = start(pb);
        try {
            return new StatusPageScript(process, stderr);
        } catch (AssertionError | RuntimeException | IOException | InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static Process start(ProcessBuilder pb) {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new AssertionError(pb.command().get(0) + " cannot run: the status page test needs Node.js, npm and "
                    + "Chromium (apt-get install nodejs npm chromium, as .ci/run does)", e);
        }
    }

    private static void install() throws IOException, InterruptedException {
        Files.createDirectories(INSTALL);
        for (String f : FILES) {
            Files.copy(SOURCE.resolve(f), INSTALL.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        Path log = INSTALL.resolve("npm-ci.log");
        // --engine-strict: an older Node.js than playwright-core needs fails here, with the versions named
        Process npm = start(new ProcessBuilder("npm", "ci", "--engine-strict", "--no-audit", "--no-fund")
                .directory(INSTALL.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()));
        if (!npm.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            npm.destroyForcibly();
            throw new AssertionError("npm ci did not finish within " + INSTALL_TIMEOUT + "; see " + log);
        }
        if (npm.exitValue() != 0) {
            throw new AssertionError("npm ci failed (exit " + npm.exitValue() + "):\n" + Files.readString(log));
        }
    }

    /** The numbers the page showed when it first had live data. */
    JsonObject firstReading() {
        return firstReading;
    }

    /** The numbers the page shows now. */
    JsonObject read() throws IOException, InterruptedException {
        return command("read").getAsJsonObject("reading");
    }

    /** Saves a full-page screenshot of the desktop page as {@code NAME.png}; returns its path. */
    Path screenshot(String name) throws IOException, InterruptedException {
        return Path.of(command("screenshot " + name).get("path").getAsString());
    }

    /**
     * Opens the page anew on a phone-sized screen and saves a full-page screenshot as {@code NAME.png}.
     *
     * @return {@code path}, {@code scrollWidth}, {@code innerWidth} and the phone's {@code reading}
     */
    JsonObject phone(String name) throws IOException, InterruptedException {
        return command("phone " + name);
    }

    private JsonObject command(String line) throws IOException, InterruptedException {
        in.write(line + "\n");
        in.flush();
        JsonObject answer = answer();
        if (answer.has("error")) {
            throw new AssertionError("status-page.mjs: '" + line + "' failed: " + answer.get("error").getAsString());
        }
        return answer;
    }

    private JsonObject answer() throws IOException, InterruptedException {
        CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        String line;
        try {
            line = next.get(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw new AssertionError("status-page.mjs did not answer within " + ANSWER_TIMEOUT + ":\n" + diagnostics());
        } catch (ExecutionException e) {
            throw new AssertionError("status-page.mjs output unreadable:\n" + diagnostics(), e.getCause());
        }
        if (line == null) {
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("status-page.mjs exited:\n" + diagnostics());
        }
        return JsonParser.parseString(line).getAsJsonObject();
    }

    private String diagnostics() throws IOException {
        return Files.exists(stderr) ? Files.readString(stderr) : "(no stderr)";
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            in.write("quit\n");
            in.close();
        } catch (IOException e) {
            // already exited: nothing to tell it
        }
        if (!process.waitFor(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
