package org.targetwatch.alerts;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.targetwatch.config.InvalidConfigException;

/**
 * The message templates of chat receivers: Mustache files in {@code templatesDir}, {@code <type>.mustache}
 * ({@code wecom}, {@code dingtalk}, {@code feishu}), and per office {@code <office>/<type>.mustache}, which wins.
 * They render Markdown text, not HTML: values are inserted as they are (no HTML escaping); the JSON envelope around
 * the text is built by {@link Channels}, which escapes it. Every template a configured receiver needs is compiled at
 * start; a missing or broken one stops the start with its path.
 */
public final class Templates {
    private final Map<String, Mustache> compiled;

    private Templates(Map<String, Mustache> compiled) {
        this.compiled = compiled;
    }

    /** No templates: for routings without chat receivers. */
    public static Templates none() {
        return new Templates(Map.of());
    }

    /** Compiles what the routing's chat receivers need. */
    public static Templates load(Path dir, Routing routing) {
        Map<String, Mustache> out = new HashMap<>();
        DefaultMustacheFactory factory = new DefaultMustacheFactory() {
            @Override
            public void encode(String value, Writer writer) {
                try {
                    writer.write(value); // Markdown, not HTML
                } catch (IOException e) {
                    throw new MustacheException(e);
                }
            }
        };
        for (Routing.Office office : routing.offices()) {
            for (Routing.Receiver r : office.receivers()) {
                if (r.type().equals("webhook") || r.type().equals("sms")) { // sms: the gateway's approved template
                    continue;
                }
                Path own = dir.resolve(office.id()).resolve(r.type() + ".mustache");
                Path shared = dir.resolve(r.type() + ".mustache");
                Path file = Files.isRegularFile(own) ? own : shared;
                String key = office.id() + "/" + r.type();
                if (out.containsKey(key)) {
                    continue;
                }
                if (!Files.isRegularFile(file)) {
                    throw new InvalidConfigException(
                            "templatesDir",
                            "receiver " + r.id() + " (" + r.type() + ") needs the template " + shared + " (or " + own
                                    + ")");
                }
                try {
                    String text = Files.readString(file, StandardCharsets.UTF_8);
                    out.put(key, factory.compile(new StringReader(text), file.toString()));
                } catch (IOException | MustacheException e) {
                    throw new InvalidConfigException("templatesDir", "cannot compile " + file + ": " + e.getMessage());
                }
            }
        }
        return new Templates(Map.copyOf(out));
    }

    /** The text of one message of {@code office} for a receiver of {@code type}. */
    String render(String office, String type, Map<String, Object> scope) {
        Mustache m = compiled.get(office + "/" + type);
        if (m == null) {
            throw new IllegalStateException("no template for " + office + "/" + type);
        }
        StringWriter w = new StringWriter();
        try {
            m.execute(w, scope).flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // blank lines left by empty sections collapse to one, so that Markdown paragraphs stay as written
        return w.toString().replaceAll("\n{3,}", "\n\n").strip();
    }
}
