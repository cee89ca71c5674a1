package dev.portcullis.proxy.cli;

import dev.portcullis.proxy.terminal.TerminalClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import okhttp3.OkHttpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis term --url wss://.../terminals/websocket/1 --token-file F}: attaches this terminal to a session's
 * terminal (terminado protocol, so Jupyter terminals and the demo's backend alike) with a bearer token.
 *
 * <p>Line mode: the local terminal stays cooked, so input goes out a line at a time (Enter sends CR, as a terminal
 * does); end of input (Ctrl-D on an empty line, or the end of a pipe) sends EOT, which ends a shell waiting at its
 * prompt (EOT typed ahead of a busy shell may be swallowed when it switches its line discipline: end scripts with exit).
 * Raw mode is not portable from Java; a full-screen program works, but keys reach it only after Enter.
 * Exit codes: 0 closed normally, 1 connection failed, 2 usage, 3 upgrade refused (HTTP status), 4 closed with an error.
 */
@Command(name = "term", mixinStandardHelpOptions = true,
        description = "Attach to a session's terminal WebSocket (terminado protocol) with a bearer token.")
public final class TermCommand implements Callable<Integer> {
    private static final String EOT = "\u0004";

    @Spec
    CommandSpec spec;

    @Option(names = "--url", required = true, description = "The terminal's WebSocket URL (ws://, wss://).")
    String url;

    @Option(names = "--token-file", description = "File holding the access token (preferred: keeps it out of ps).")
    Path tokenFile;

    @Option(names = "--token", description = "The access token (else --token-file, else $PORTCULLIS_TOKEN).")
    String token;

    @Option(names = "--rows", description = "Terminal rows to announce (default: $LINES when set).")
    Integer rows;

    @Option(names = "--cols", description = "Terminal columns to announce (default: $COLUMNS when set).")
    Integer cols;

    private final InputStream in;

    public TermCommand() {
        this(System.in);
    }

    /** @param in what to forward as keystrokes instead of standard input (tests) */
    public TermCommand(InputStream in) {
        this.in = in;
    }

    @Override
    public Integer call() throws Exception {
        String bearer = bearer();
        if (!url.matches("(?i)(wss?|https?)://.+")) {
            throw new IllegalArgumentException("--url: '" + url + "' (expected: ws://... or wss://...)");
        }
        OkHttpClient http = new OkHttpClient.Builder().pingInterval(Duration.ofSeconds(30)).build();
        try (TerminalClient client = TerminalClient.connect(http, url, bearer, spec.commandLine().getOut())) {
            Integer r = rows != null ? rows : envInt("LINES");
            Integer c = cols != null ? cols : envInt("COLUMNS");
            if (r != null && c != null) {
                client.resize(r, c);
            }
            Thread input = new Thread(() -> forwardInput(client), "portcullis-term-stdin");
            input.setDaemon(true);
            input.start();
            TerminalClient.Outcome outcome = client.outcome().get();
            if (outcome.exitCode() != TerminalClient.Outcome.CLOSED) {
                spec.commandLine().getErr().println("portcullis term: " + outcome.message());
            }
            return outcome.exitCode();
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    private void forwardInput(TerminalClient client) {
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] buffer = new char[4096];
            int n;
            while ((n = reader.read(buffer)) >= 0) {
                if (n > 0 && !client.sendInput(new String(buffer, 0, n).replace('\n', '\r'))) {
                    return;
                }
            }
            client.sendInput(EOT);
        } catch (IOException e) {
            client.sendInput(EOT);
        }
    }

    private String bearer() {
        String t;
        if (tokenFile != null) {
            try {
                t = Files.readString(tokenFile, StandardCharsets.US_ASCII).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("--token-file: cannot read " + tokenFile + " (" + e.getClass().getSimpleName() + ")");
            }
        } else if (token != null) {
            t = token.strip();
        } else {
            t = System.getenv("PORTCULLIS_TOKEN");
        }
        if (t == null || t.isEmpty()) {
            throw new IllegalArgumentException("no token: give --token-file, --token or $PORTCULLIS_TOKEN");
        }
        return t;
    }

    private static Integer envInt(String name) {
        String v = System.getenv(name);
        try {
            return v == null ? null : Integer.valueOf(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
