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
import java.util.Optional;
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
 * <p>Raw mode when standard input is a terminal ({@link LocalTty}, via {@code stty}): every key goes to the remote
 * terminal as typed, Ctrl-C included; {@value #QUIT_KEY_NAME} quits. The size is sent once at the start (Java sees no
 * SIGWINCH; resize the remote with {@code stty rows R cols C} if needed).
 * Line mode otherwise (a pipe, {@code --line}, or no {@code stty}): input goes out a line at a time (Enter sends CR,
 * as a terminal does); end of input sends EOT, which ends a shell waiting at its prompt (EOT typed ahead of a busy
 * shell may be swallowed when it switches its line discipline: end scripts with exit).
 * Exit codes: 0 closed normally, 1 connection failed, 2 usage, 3 upgrade refused (HTTP status), 4 closed with an error.
 */
@Command(name = "term", mixinStandardHelpOptions = true,
        description = "Attach to a session's terminal WebSocket (terminado protocol) with a bearer token.")
public final class TermCommand implements Callable<Integer> {
    private static final String EOT = "\u0004";
    /** Ctrl-] quits in raw mode, as in telnet. */
    private static final char QUIT_KEY = '\u001d';
    static final String QUIT_KEY_NAME = "Ctrl-]";

    @Spec
    CommandSpec spec;

    @Option(names = "--url", required = true, description = "The terminal's WebSocket URL (ws://, wss://).")
    String url;

    @Option(names = "--token-file", description = "File holding the access token (preferred: keeps it out of ps).")
    Path tokenFile;

    @Option(names = "--token", description = "The access token (else --token-file, else $PORTCULLIS_TOKEN).")
    String token;

    @Option(names = "--line", description = "Line mode even when standard input is a terminal.")
    boolean lineMode;

    @Option(names = "--rows", description = "Terminal rows to announce (default: the local terminal's).")
    Integer rows;

    @Option(names = "--cols", description = "Terminal columns to announce (default: the local terminal's).")
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
        boolean onTerminal = in == System.in && System.console() != null;
        Optional<LocalTty> raw = onTerminal && !lineMode ? LocalTty.enterRaw() : Optional.empty();
        OkHttpClient http = new OkHttpClient.Builder().pingInterval(Duration.ofSeconds(30)).build();
        try (TerminalClient client = TerminalClient.connect(http, url, bearer, spec.commandLine().getOut())) {
            Optional<int[]> size = rows != null && cols != null ? Optional.of(new int[] {rows, cols})
                    : onTerminal ? LocalTty.size() : Optional.empty();
            size.ifPresent(rc -> client.resize(rc[0], rc[1]));
            Thread input = new Thread(() -> {
                if (raw.isPresent()) {
                    forwardRaw(client);
                } else {
                    forwardInput(client);
                }
            }, "portcullis-term-stdin");
            input.setDaemon(true);
            input.start();
            TerminalClient.Outcome outcome = client.outcome().get();
            if (outcome.exitCode() != TerminalClient.Outcome.CLOSED) {
                spec.commandLine().getErr().println("portcullis term: " + outcome.message());
            }
            return outcome.exitCode();
        } finally {
            raw.ifPresent(LocalTty::close);
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    /** Raw mode: keys as typed; {@link #QUIT_KEY} closes. */
    private void forwardRaw(TerminalClient client) {
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] buffer = new char[4096];
            int n;
            while ((n = reader.read(buffer)) >= 0) {
                String keys = new String(buffer, 0, n);
                int quit = keys.indexOf(QUIT_KEY);
                if (quit >= 0) {
                    client.sendInput(keys.substring(0, quit));
                    client.close();
                    return;
                }
                if (n > 0 && !client.sendInput(keys)) {
                    return;
                }
            }
            client.close();
        } catch (IOException e) {
            client.close();
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

}
