package io.edgespot.proxy.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML node together with its key path, which reports typed-read errors with file, line and path.
 *
 * <p>Reads never throw: a bad value records a {@link ConfigProblem} and yields the default, so one
 * pass finds every error. A mapping remembers which keys were read; {@link #rejectUnknownKeys()}
 * then reports the rest, so a typo is never silently ignored.
 */
final class YamlNode {

    private final Node node;
    private final String path;
    private final Problems problems;
    private final Set<String> readKeys = new LinkedHashSet<>();

    YamlNode(Node node, String path, Problems problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    /**
     * An empty mapping at {@code path}, standing for a section the file leaves out or gets wrong; problems found in it
     * are placed at {@code at}, the node that holds or replaces it.
     */
    static YamlNode emptyMapping(String path, YamlNode at) {
        return new YamlNode(new MappingNode(Tag.MAP, true, List.of(), at.node.getStartMark(), at.node.getEndMark(),
                org.yaml.snakeyaml.DumperOptions.FlowStyle.BLOCK), path, at.problems);
    }

    String path() {
        return path;
    }

    int line() {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    Problems problems() {
        return problems;
    }

    void error(String message) {
        problems.add(line(), path, message);
    }

    boolean isMapping() {
        return node instanceof MappingNode;
    }

    /** The child at {@code key}, or empty when absent or explicitly null. Marks the key as known. */
    Optional<YamlNode> get(String key) {
        readKeys.add(key);
        if (!(node instanceof MappingNode mapping)) {
            return Optional.empty();
        }
        for (NodeTuple t : mapping.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                Node v = t.getValueNode();
                if (v instanceof ScalarNode s && isNull(s)) {
                    return Optional.empty();
                }
                return Optional.of(new YamlNode(v, join(path, key), problems));
            }
        }
        return Optional.empty();
    }

    /** Reports keys of this mapping that no read asked for. */
    void rejectUnknownKeys() {
        if (!(node instanceof MappingNode mapping)) {
            return;
        }
        for (NodeTuple t : mapping.getValue()) {
            String k = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "?";
            if (!readKeys.contains(k)) {
                problems.add(t.getKeyNode().getStartMark().getLine() + 1, join(path, k),
                        "unknown key" + suggestion(k));
            }
        }
    }

    private String suggestion(String unknown) {
        String best = null;
        int bestDistance = 3;
        for (String known : readKeys) {
            int d = editDistance(unknown.toLowerCase(), known.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = known;
            }
        }
        return best == null ? " (allowed: " + String.join(", ", readKeys) + ")" : " (did you mean '" + best + "'?)";
    }

    /** This node as a mapping; records an error and returns an empty mapping otherwise. */
    YamlNode mapping() {
        if (!(node instanceof MappingNode)) {
            error("expected a mapping (key: value pairs), got " + describe());
            return emptyMapping(path, this);
        }
        return this;
    }

    /** The entries of a mapping, in file order. */
    Map<String, YamlNode> entries() {
        Map<String, YamlNode> out = new LinkedHashMap<>();
        if (node instanceof MappingNode mapping) {
            for (NodeTuple t : mapping.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k) {
                    readKeys.add(k.getValue());
                    out.put(k.getValue(), new YamlNode(t.getValueNode(), join(path, k.getValue()), problems));
                }
            }
        } else {
            error("expected a mapping (key: value pairs), got " + describe());
        }
        return out;
    }

    /** The items of a sequence; a single scalar is read as a one-item list. */
    List<YamlNode> items() {
        List<YamlNode> out = new ArrayList<>();
        if (node instanceof SequenceNode seq) {
            List<Node> value = seq.getValue();
            for (int i = 0; i < value.size(); i++) {
                out.add(new YamlNode(value.get(i), path + "[" + i + "]", problems));
            }
        } else if (node instanceof ScalarNode) {
            out.add(this);
        } else {
            error("expected a list, got " + describe());
        }
        return out;
    }

    /** This node as a scalar string, or empty after recording an error. */
    Optional<String> scalar() {
        if (node instanceof ScalarNode s) {
            return Optional.of(s.getValue());
        }
        error("expected a single value, got " + describe());
        return Optional.empty();
    }

    String string(String key, String dflt) {
        return get(key).flatMap(YamlNode::scalar).orElse(dflt);
    }

    Optional<String> optString(String key) {
        return get(key).flatMap(YamlNode::scalar).filter(s -> !s.isEmpty());
    }

    boolean bool(String key, boolean dflt) {
        return get(key).flatMap(n -> n.convert(s -> switch (s) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("expected true or false, got '" + s + "'");
        })).orElse(dflt);
    }

    int integer(String key, int dflt, int min, int max) {
        return get(key).flatMap(n -> n.convert(s -> {
            long v;
            try {
                v = Long.parseLong(s.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a whole number, got '" + s + "'");
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max + ", got " + v);
            }
            return (int) v;
        })).orElse(dflt);
    }

    long size(String key, long dflt, long min) {
        return get(key).flatMap(n -> n.convert(s -> {
            long v = Units.parseSize(s);
            if (v < min) {
                throw new IllegalArgumentException("must be at least " + Units.formatSize(min) + ", got '" + s + "'");
            }
            return v;
        })).orElse(dflt);
    }

    /** A size that the runtime holds in an int: at most {@code max}, which is at most {@code Integer.MAX_VALUE}. */
    int intSize(String key, int dflt, int min, int max) {
        return get(key).flatMap(n -> n.convert(s -> {
            long v = Units.parseSize(s);
            if (v < min) {
                throw new IllegalArgumentException("must be at least " + Units.formatSize(min) + ", got '" + s + "'");
            }
            if (v > max) {
                throw new IllegalArgumentException("must be at most " + Units.formatSize(max) + ", got '" + s + "'");
            }
            return (int) v;
        })).orElse(dflt);
    }

    Duration duration(String key, Duration dflt, Duration min) {
        return get(key).flatMap(n -> n.convert(s -> {
            Duration d = Units.parseDuration(s);
            if (d.compareTo(min) < 0) {
                throw new IllegalArgumentException("must be at least " + Units.formatDuration(min) + ", got '" + s + "'");
            }
            return d;
        })).orElse(dflt);
    }

    <E extends Enum<E>> E enumValue(String key, Class<E> type, E dflt) {
        return get(key).flatMap(n -> n.convert(s -> {
            String constant = s.trim().toUpperCase().replace('-', '_');
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(constant)) {
                    return e;
                }
            }
            List<String> allowed = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                allowed.add(e.name().toLowerCase().replace('_', '-'));
            }
            throw new IllegalArgumentException("expected one of " + String.join(", ", allowed) + ", got '" + s + "'");
        })).orElse(dflt);
    }

    /** Converts this scalar; a conversion failure is recorded with this node's place. */
    <T> Optional<T> convert(Function<String, T> parser) {
        return scalar().flatMap(s -> {
            try {
                return Optional.of(parser.apply(s));
            } catch (IllegalArgumentException e) {
                error(e.getMessage());
                return Optional.empty();
            }
        });
    }

    private String describe() {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "'" + ((ScalarNode) node).getValue() + "'";
    }

    private static boolean isNull(ScalarNode s) {
        return s.getTag().getValue().endsWith(":null");
    }

    private static String join(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The problems of one load, in the order found. */
    static final class Problems {
        private final String file;
        private final List<ConfigProblem> list = new ArrayList<>();

        Problems(String file) {
            this.file = file;
        }

        void add(int line, String path, String message) {
            list.add(new ConfigProblem(file, line, path, message));
        }

        List<ConfigProblem> list() {
            return list;
        }

        boolean isEmpty() {
            return list.isEmpty();
        }
    }
}
