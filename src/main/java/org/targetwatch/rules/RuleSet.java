package org.targetwatch.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;
import org.kie.api.runtime.KieContainer;
import org.kie.api.runtime.KieSession;
import org.targetwatch.facts.Breach;
import org.targetwatch.facts.Threshold;

/**
 * A fully built, immutable ruleset: the KieBase compiled from every {@code .drl} file of the rules directory, the
 * thresholds of {@code thresholds.json}, and the version (content hash) of the directory. Thread-safe: the
 * KieBase is shared and every {@link #evaluate} call has a session of its own for its duration (see there for
 * when sessions are reused).
 */
public final class RuleSet {
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;?", Pattern.MULTILINE);
    /** The package every rules file must declare: {@code org.targetwatch.rules.<domain>}. */
    private static final Pattern RULES_PACKAGE = Pattern.compile("org\\.targetwatch\\.rules\\.[a-z][a-z0-9_]*");

    private static final Pattern RULE_DECLARATION =
            Pattern.compile("^\\s*rule\\s+\"((?:[^\"\\\\]|\\\\.)*)\"", Pattern.MULTILINE);
    /** The metadata every rule must carry (docs/rulebook.md, "Adding a rule"); alerts and routing read them. */
    static final List<String> REQUIRED_METADATA = List.of("category", "severity", "description", "source");

    private static final Pattern LINE_IN_TEXT = Pattern.compile("\\[\\s*(\\d+)\\s*,\\s*\\d+\\s*]|Line (\\d+):");
    private static final AtomicLong BUILDS = new AtomicLong();
    /** Safety net against a rule that loops: a session never fires more rules than this. */
    private static final int MAX_FIRINGS = 1_000_000;

    private final KieBase kieBase;
    private final String version;
    private final List<Threshold> thresholds;
    private final Map<String, RuleInfo> rules;

    /** The parsed data tables of the domains ({@link RuleTable}), by type. */
    private final Map<Class<?>, Object> tables;

    private final List<TargetDefinition> targets;
    private final Map<String, String> files = new java.util.TreeMap<>();
    private final Map<String, TargetDefinition> targetsByIndicator = new LinkedHashMap<>();
    /** The enabled thresholds, by identity: the facts a primed session holds before an evaluation. */
    private final java.util.Set<Threshold> enabled =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    /** Primed sessions (enabled thresholds inserted, nothing else, no rule to fire), most recently used first. */
    private final java.util.concurrent.ConcurrentLinkedDeque<KieSession> idle =
            new java.util.concurrent.ConcurrentLinkedDeque<>();
    /** Whether evaluations reuse primed sessions; decided once per build by {@link #probeReuse}. */
    private final boolean reuseSessions;

    private final AtomicLong sessionsCreated = new AtomicLong();

    private RuleSet(
            KieBase kieBase,
            String version,
            List<Threshold> thresholds,
            Map<String, RuleInfo> rules,
            Map<Class<?>, Object> tables,
            List<TargetDefinition> targets) {
        this.kieBase = kieBase;
        this.tables = Map.copyOf(tables);
        this.targets = List.copyOf(targets);
        for (TargetDefinition t : targets) {
            if (t.indicator() != null) {
                targetsByIndicator.put(t.indicator(), t);
            }
        }
        this.version = version;
        this.thresholds = List.copyOf(thresholds);
        this.rules = rules;
        for (Threshold t : this.thresholds) {
            if (t.enabled()) {
                enabled.add(t);
            }
        }
        this.reuseSessions = probeReuse();
    }

    /**
     * Builds every {@code .drl} file and {@code thresholds.json} in {@code dir}. Blocking (hundreds of ms): never
     * call it on an event-loop thread.
     *
     * @throws RuleBuildException with every error (file, line, message) if anything does not build
     */
    public static RuleSet build(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new RuleBuildException(
                    List.of(new RuleBuildException.Problem(dir.toString(), 0, "rules directory not found")));
        }
        return build(readFiles(dir), dir);
    }

    /** Reads the files of a rules directory (relative path → bytes), sorted by path. */
    public static Map<String, byte[]> read(Path dir) {
        return readFiles(dir);
    }

    /**
     * Builds a ruleset from file contents (relative path → bytes), e.g. a directory read by {@link #read} with
     * uploaded files laid over it. {@code dir} only labels messages. Blocking.
     */
    public static RuleSet build(Map<String, byte[]> files, Path dir) {
        List<RuleBuildException.Problem> problems = new ArrayList<>();
        // every data table is checked against its JSON Schema first; one that fails is not parsed
        java.util.Set<String> invalidTables = new java.util.HashSet<>();
        for (String table : TableSchemas.TABLES) {
            byte[] text = files.get(table);
            if (text != null && !TableSchemas.validate(table, new String(text, StandardCharsets.UTF_8), problems)) {
                invalidTables.add(table);
            }
        }
        byte[] thresholdText = files.get(ThresholdFile.NAME);
        List<Threshold> thresholds = thresholdText == null || invalidTables.contains(ThresholdFile.NAME)
                ? List.of()
                : ThresholdFile.parse(new String(thresholdText, StandardCharsets.UTF_8), problems);
        if (thresholdText == null) {
            problems.add(new RuleBuildException.Problem(ThresholdFile.NAME, 0, "file not found in " + dir));
        }
        byte[] targetText = files.get(TargetFile.NAME);
        List<TargetDefinition> targets = List.of();
        if (targetText != null && !invalidTables.contains(TargetFile.NAME)) {
            TargetFile.Parsed parsed = TargetFile.parse(new String(targetText, StandardCharsets.UTF_8), problems);
            targets = parsed.targets();
            List<Threshold> all = new ArrayList<>(thresholds);
            all.addAll(parsed.thresholds());
            thresholds = all;
        }
        Map<Class<?>, Object> tables = new java.util.HashMap<>();
        for (RuleTable<?> table : RuleTable.registered()) {
            Object parsed = invalidTables.contains(table.file())
                    ? null
                    : parseTable(files, table.file(), table::parse, dir, problems);
            if (parsed != null) {
                tables.put(table.type(), parsed);
            }
        }

        KieServices ks = KieServices.Factory.get();
        KieFileSystem kfs = ks.newKieFileSystem();
        ReleaseId releaseId = ks.newReleaseId("org.targetwatch", "ruleset", "1.0." + BUILDS.incrementAndGet());
        kfs.generateAndWritePomXML(releaseId);
        Map<String, String> kiePathToFile = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            if (!e.getKey().endsWith(".drl")) {
                continue;
            }
            String text = new String(e.getValue(), StandardCharsets.UTF_8);
            Matcher m = PACKAGE.matcher(text);
            boolean declared = m.find();
            if (!declared || !RULES_PACKAGE.matcher(m.group(1)).matches()) {
                problems.add(new RuleBuildException.Problem(
                        e.getKey(),
                        declared ? lineAt(text, m.start(1)) : 1,
                        (declared ? "package " + m.group(1) : "no package declaration")
                                + ": a rules file must declare package org.targetwatch.rules.<domain>"
                                + " (lower-case domain, e.g. org.targetwatch.rules.air)"));
            }
            DrlPositions.strayText(e.getKey(), text, problems);
            String folder = declared ? m.group(1).replace('.', '/') + "/" : "";
            String kiePath = "src/main/resources/" + folder + e.getKey().replace('/', '_');
            kiePathToFile.put(kiePath, e.getKey());
            kiePathToFile.put(kiePath.substring("src/main/resources/".length()), e.getKey());
            kfs.write(kiePath, e.getValue());
        }
        if (kiePathToFile.isEmpty()) {
            problems.add(new RuleBuildException.Problem(dir.toString(), 0, "no .drl files"));
            throw new RuleBuildException(problems);
        }
        KieBuilder builder = ks.newKieBuilder(kfs).buildAll();
        List<Message> errors = builder.getResults().getMessages(Message.Level.ERROR);
        Map<String, List<RuleBuildException.Problem>> consequences = new java.util.HashMap<>();
        for (Message msg : errors) {
            String path = msg.getPath();
            String file = path == null ? "?" : kiePathToFile.getOrDefault(path, path);
            if (msg.getText().startsWith("Rule Compilation error") && files.containsKey(file)) {
                // Drools reports a consequence's Java error at the rule's line: compile the file again to find it
                List<RuleBuildException.Problem> exact =
                        consequences.computeIfAbsent(file, f -> ConsequenceLines.problems(f, files.get(f)));
                if (!exact.isEmpty()) {
                    continue;
                }
            }
            int line = lineOf(msg);
            if (files.containsKey(file)) {
                line = DrlPositions.expressionLine(
                        msg.getText(), new String(files.get(file), StandardCharsets.UTF_8), line);
            }
            problems.add(
                    new RuleBuildException.Problem(file, line, msg.getText().strip()));
        }
        consequences.values().forEach(problems::addAll);
        if (!errors.isEmpty()) {
            ks.getRepository().removeKieModule(releaseId);
            throw new RuleBuildException(problems);
        }
        KieContainer container = ks.newKieContainer(releaseId);
        KieBase kieBase = container.getKieBase();
        ks.getRepository().removeKieModule(releaseId);

        Map<String, RuleInfo> rules = new LinkedHashMap<>();
        List<KiePackage> packages = new ArrayList<>(kieBase.getKiePackages());
        packages.sort(Comparator.comparing(KiePackage::getName));
        for (KiePackage pkg : packages) {
            List<Rule> pkgRules = new ArrayList<>(pkg.getRules());
            pkgRules.sort(Comparator.comparing(Rule::getName));
            for (Rule rule : pkgRules) {
                Map<String, Object> meta = rule.getMetaData();
                String file = fileOf(rule, kiePathToFile);
                rules.put(
                        rule.getName(),
                        new RuleInfo(
                                rule.getName(),
                                file,
                                meta(meta, "category"),
                                meta(meta, "severity"),
                                meta(meta, "description"),
                                meta(meta, "source")));
            }
        }
        checkMetadata(rules.values(), files, problems);
        if (!problems.isEmpty()) {
            throw new RuleBuildException(problems);
        }
        RuleSet built = new RuleSet(kieBase, versionOf(files), thresholds, rules, tables, targets);
        files.forEach((name, bytes) -> built.files.put(name, new String(bytes, StandardCharsets.UTF_8)));
        return built;
    }

    /**
     * Every rule must carry non-blank {@link #REQUIRED_METADATA}, with a severity alerts know; a problem names the
     * file and the line of the rule's declaration.
     */
    private static void checkMetadata(
            Collection<RuleInfo> rules, Map<String, byte[]> files, List<RuleBuildException.Problem> problems) {
        Map<String, Map<String, Integer>> declarations = new java.util.HashMap<>();
        for (RuleInfo r : rules) {
            byte[] bytes = files.get(r.file());
            Map<String, Integer> lines = declarations.computeIfAbsent(
                    r.file(), f -> bytes == null ? Map.of() : ruleLines(new String(bytes, StandardCharsets.UTF_8)));
            int line = lines.getOrDefault(r.name(), 0);
            List<String> missing = new ArrayList<>();
            Map<String, String> values = Map.of(
                    "category",
                    r.category(),
                    "severity",
                    r.severity(),
                    "description",
                    r.description(),
                    "source",
                    r.source());
            for (String key : REQUIRED_METADATA) {
                if (values.get(key).isBlank()) {
                    missing.add("@" + key);
                }
            }
            if (!missing.isEmpty()) {
                problems.add(new RuleBuildException.Problem(
                        r.file(),
                        line,
                        "rule \"" + r.name() + "\" lacks "
                                + String.join(", ", missing)
                                + " (every rule needs @category, @severity, @description and"
                                + " @source)"));
            } else if (!ThresholdFile.SEVERITIES.contains(r.severity())) {
                problems.add(new RuleBuildException.Problem(
                        r.file(),
                        line,
                        "rule \"" + r.name() + "\": @severity must" + " be one of info, warning, major, critical; got "
                                + r.severity()));
            }
        }
    }

    /** The 1-based line of each rule declaration in a DRL text, by rule name. */
    private static Map<String, Integer> ruleLines(String text) {
        Map<String, Integer> out = new java.util.HashMap<>();
        Matcher m = RULE_DECLARATION.matcher(text);
        while (m.find()) {
            out.putIfAbsent(m.group(1), lineAt(text, m.start(1)));
        }
        return out;
    }

    /** The 1-based line of a character offset. */
    private static int lineAt(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** Parses a required data table of the rules directory; a missing or invalid file is added to problems. */
    private static <T> T parseTable(
            Map<String, byte[]> files,
            String name,
            java.util.function.Function<String, T> parser,
            Path dir,
            List<RuleBuildException.Problem> problems) {
        byte[] text = files.get(name);
        if (text == null) {
            problems.add(new RuleBuildException.Problem(name, 0, "file not found in " + dir));
            return null;
        }
        try {
            return parser.apply(new String(text, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            problems.add(new RuleBuildException.Problem(name, 0, e.getMessage()));
            return null;
        }
    }

    private static String fileOf(Rule rule, Map<String, String> kiePathToFile) {
        try {
            String resource = ((org.drools.base.definitions.rule.impl.RuleImpl) rule)
                    .getResource()
                    .getSourcePath();
            return kiePathToFile.getOrDefault(resource, resource);
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private static int lineOf(Message msg) {
        if (msg.getLine() > 0) {
            return msg.getLine();
        }
        Matcher m = LINE_IN_TEXT.matcher(msg.getText());
        if (m.find()) {
            return Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return 0;
    }

    /** A metadata value; Drools files {@code @description} under the name of its Description annotation. */
    private static String meta(Map<String, Object> meta, String key) {
        Object v = meta.get(key);
        if (v == null && key.equals("description")) {
            v = meta.get("org.kie.api.definition.type.Description");
        }
        if (v == null) {
            return "";
        }
        String s = v.toString();
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            s = s.substring(1, s.length() - 1);
        }
        return s;
    }

    /**
     * Files of the directory (recursively), keyed by path relative to it with '/' separators, sorted. Symbolic links
     * are followed (the directory itself, its files and subdirectories may be links), and every path with a
     * component starting with {@code .} is left out: hidden files, and the {@code ..data} and
     * {@code ..<timestamp>} directories through which a Kubernetes ConfigMap volume links its files, so that
     * each file of such a volume counts once, under its own name.
     */
    private static Map<String, byte[]> readFiles(Path dir) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(dir, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            List<Path> paths = walk.filter(Files::isRegularFile)
                    .filter(p -> {
                        for (Path part : dir.relativize(p)) {
                            if (part.toString().startsWith(".")) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .sorted()
                    .toList();
            for (Path p : paths) {
                files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read rules directory " + dir, e);
        }
        return files;
    }

    /** SHA-256 over every file's relative path and content, first 16 hex digits. */
    private static String versionOf(Map<String, byte[]> files) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(e.getValue());
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Evaluates the facts with every rule and returns the breaches they created. Thresholds are inserted by this
     * method. Blocking and CPU-bound: call it from a worker thread, once per batch.
     *
     * <p>Contract: the result is the one a new session would give (thresholds inserted, then the facts, then every
     * rule fired). When {@link #reusesSessions()}, the session is a primed one taken from a pool, and it goes back
     * only once every fact but the thresholds has been deleted again and no rule is left to fire; any other
     * outcome (an exception, the firing limit reached, a rule that deleted a threshold) disposes of it. A session
     * that evaluated more facts than there are thresholds is disposed of too: deleting them costs more than priming
     * a new session (JMH, batches of 1,000 facts: 656 ns a fact when deleted for reuse, 437 when disposed of).
     */
    public List<Breach> evaluate(Collection<?> facts) {
        KieSession session = reuseSessions ? idle.pollFirst() : null;
        if (session == null) {
            session = primedSession();
        }
        boolean keep = false;
        try {
            for (Object f : facts) {
                session.insert(f);
            }
            int fired = session.fireAllRules(MAX_FIRINGS);
            List<Breach> out = breaches(session);
            keep = reuseSessions && facts.size() <= enabled.size() && fired < MAX_FIRINGS && backToPrimed(session);
            return out;
        } finally {
            if (keep) {
                idle.offerFirst(session);
            } else {
                session.dispose();
            }
        }
    }

    /**
     * The same evaluation in a new session that is disposed of afterwards: the reference {@link #evaluate} must
     * equal whether or not it reuses a session (the rule tests compare the two on every evaluation).
     */
    public List<Breach> evaluateInNewSession(Collection<?> facts) {
        KieSession session = primedSession();
        try {
            for (Object f : facts) {
                session.insert(f);
            }
            session.fireAllRules(MAX_FIRINGS);
            return breaches(session);
        } finally {
            session.dispose();
        }
    }

    /** True if evaluations reuse primed sessions (see {@link #probeReuse}). */
    public boolean reusesSessions() {
        return reuseSessions;
    }

    /** Sessions created so far, the probing one and those of {@link #evaluateInNewSession} included. */
    long sessionsCreated() {
        return sessionsCreated.get();
    }

    /** A new session holding the enabled thresholds, in file order, not yet fired. */
    private KieSession primedSession() {
        sessionsCreated.incrementAndGet();
        KieSession session = kieBase.newKieSession();
        for (Threshold t : thresholds) {
            if (t.enabled()) {
                session.insert(t);
            }
        }
        return session;
    }

    /**
     * A total order of breaches, so that the result does not depend on the order in which rules fired (which can
     * differ between a new and a reused session): rule, subject, indicator, period, threshold, value, readings.
     */
    private static final Comparator<Breach> ORDER = Comparator.comparing(Breach::rule)
            .thenComparing(Breach::subject)
            .thenComparing(Breach::indicator)
            .thenComparing(Breach::period)
            .thenComparing(b -> b.threshold().id())
            .thenComparingDouble(Breach::value)
            .thenComparing(Breach::readingIds, RuleSet::compareIds)
            .thenComparing(Breach::note);

    private static int compareIds(List<Long> a, List<Long> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Long.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static List<Breach> breaches(KieSession session) {
        List<Breach> out = new ArrayList<>();
        for (Object o : session.getObjects(o -> o instanceof Breach)) {
            out.add((Breach) o);
        }
        out.sort(ORDER);
        return out;
    }

    /**
     * Deletes every fact of the session but the enabled thresholds, then checks that it is primed again: exactly
     * those thresholds, and no match left to fire (the check fires nothing: its agenda filter refuses every match).
     */
    private boolean backToPrimed(KieSession session) {
        // a copy: the collection is a live view of the session's store, which the deletes change
        List<org.kie.api.runtime.rule.FactHandle> added =
                new ArrayList<>(session.<org.kie.api.runtime.rule.FactHandle>getFactHandles(o -> !enabled.contains(o)));
        for (org.kie.api.runtime.rule.FactHandle h : added) {
            session.delete(h);
        }
        int[] pending = {0};
        session.fireAllRules(match -> {
            pending[0]++;
            return false;
        });
        return pending[0] == 0 && session.getFactCount() == enabled.size();
    }

    /**
     * Decides whether a session may serve evaluation after evaluation. It may if, in a primed session, no rule
     * fires on the thresholds alone: then every match of an evaluation involves one of its facts, is gone once the
     * facts are deleted, and a later evaluation fires exactly the matches a new session would (a rule such as
     * "a threshold with no reading of its indicator" fires on thresholds alone and turns reuse off, as it would
     * fire in every new session but only once in a reused one). Rules outside the main agenda group, with
     * auto-focus, timers, lock-on-active or activation groups turn it off too: their state outlives the facts.
     * The probing session becomes the first idle one.
     */
    private boolean probeReuse() {
        for (KiePackage pkg : kieBase.getKiePackages()) {
            for (Rule r : pkg.getRules()) {
                if (!(r instanceof org.drools.base.definitions.rule.impl.RuleImpl rule)) {
                    return false;
                }
                if (!rule.isMainAgendaGroup()
                        || rule.getAutoFocus()
                        || rule.getTimer() != null
                        || rule.isLockOnActive()
                        || rule.getRuleFlowGroup() != null
                        || (rule.getActivationGroup() != null
                                && !rule.getActivationGroup().isEmpty())) {
                    return false;
                }
            }
        }
        KieSession session = primedSession();
        int fired = session.fireAllRules(MAX_FIRINGS);
        if (fired == 0 && session.getFactCount() == enabled.size()) {
            idle.offerFirst(session);
            return true;
        }
        session.dispose();
        return false;
    }

    /**
     * The parsed data table of the given type ({@link RuleTable}); a built ruleset has every registered table.
     *
     * @throws IllegalArgumentException if no registered table has that type
     */
    public <T> T table(Class<T> type) {
        Object t = tables.get(type);
        if (t == null) {
            throw new IllegalArgumentException("no rules table of type " + type.getName());
        }
        return type.cast(t);
    }

    /** Every target of {@code targets.json}, checkable or not. */
    public List<TargetDefinition> targets() {
        return targets;
    }

    /** The target reported through the given indicator, if any. */
    public Optional<TargetDefinition> targetOf(String indicator) {
        return Optional.ofNullable(targetsByIndicator.get(indicator));
    }

    /** The text of every file the ruleset was built from, by relative path. */
    public Map<String, String> files() {
        return java.util.Collections.unmodifiableMap(files);
    }

    public String version() {
        return version;
    }

    public List<Threshold> thresholds() {
        return thresholds;
    }

    public Collection<RuleInfo> rules() {
        return rules.values();
    }

    public Optional<RuleInfo> rule(String name) {
        return Optional.ofNullable(rules.get(name));
    }
}
