package io.edgespot.crypto;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The JSON document of an encrypted tenant keyset file.
 *
 * <pre>{@code
 * {
 *   "format": "edgespot-tenant-keyset",
 *   "version": 1,
 *   "tenant": "acme",
 *   "destroyedKeyIds": [123],
 *   "keysets": {
 *     "aead":          { "encryptedKeyset": "...", "keysetInfo": {...} },
 *     "streamingAead": { ... },
 *     "prf":           { ... }
 *   }
 * }
 * }</pre>
 *
 * <p>Each keyset object is exactly what {@code TinkJsonProtoKeysetFormat.serializeEncryptedKeyset}
 * produced, embedded as JSON rather than as an escaped string. Its associated data is
 * {@link #keysetAssociatedData(String, KeyInfo.Role)}. {@code destroyedKeyIds} only feeds key
 * listings: the material of those keys is already gone from the encrypted keysets.
 */
final class KeysetFileFormat {
    static final String FORMAT = "edgespot-tenant-keyset";
    static final int VERSION = 1;

    private KeysetFileFormat() {
    }

    /** The parsed, still encrypted, content of a keyset file. */
    record Contents(String tenant, Map<KeyInfo.Role, String> encryptedKeysets, SortedSet<Integer> destroyedKeyIds) {
        Contents {
            encryptedKeysets = Collections.unmodifiableMap(new EnumMap<>(encryptedKeysets));
            destroyedKeyIds = Collections.unmodifiableSortedSet(new TreeSet<>(destroyedKeyIds));
        }
    }

    /**
     * Returns the associated data under which one role's keyset is encrypted with the KEK.
     *
     * <p>Binding tenant and role means a keyset moved to another tenant's file, or to another slot
     * of the same file, fails to decrypt.
     */
    static byte[] keysetAssociatedData(String tenant, KeyInfo.Role role) {
        return Framing.lengthPrefixed(FORMAT + "/v" + VERSION, tenant, role.fileKey());
    }

    static byte[] serialize(Contents contents) {
        JsonObject root = new JsonObject();
        root.addProperty("format", FORMAT);
        root.addProperty("version", VERSION);
        root.addProperty("tenant", contents.tenant());
        JsonArray destroyed = new JsonArray();
        contents.destroyedKeyIds().forEach(destroyed::add);
        root.add("destroyedKeyIds", destroyed);
        JsonObject keysets = new JsonObject();
        for (KeyInfo.Role role : KeyInfo.Role.values()) {
            keysets.add(role.fileKey(), JsonParser.parseString(contents.encryptedKeysets().get(role)));
        }
        root.add("keysets", keysets);
        String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root);
        return (json + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static Contents parse(String json, Path file) {
        String where = "keyset file " + file;
        try {
            JsonObject root = JsonParser.parseString(json).getAsJsonObject();
            if (!FORMAT.equals(string(root, "format", where))) {
                throw new KeyException(where + ": not an edgespot tenant keyset (format is not '" + FORMAT + "')");
            }
            JsonElement version = required(root, "version", where);
            if (!version.isJsonPrimitive() || version.getAsInt() != VERSION) {
                throw new KeyException(where + ": unsupported version " + version + "; this build reads " + VERSION);
            }
            String tenant = string(root, "tenant", where);
            SortedSet<Integer> destroyed = new TreeSet<>();
            JsonElement destroyedJson = root.get("destroyedKeyIds");
            if (destroyedJson != null) {
                for (JsonElement id : destroyedJson.getAsJsonArray()) {
                    destroyed.add(id.getAsInt());
                }
            }
            JsonObject keysets = required(root, "keysets", where).getAsJsonObject();
            Map<KeyInfo.Role, String> encrypted = new EnumMap<>(KeyInfo.Role.class);
            for (KeyInfo.Role role : KeyInfo.Role.values()) {
                JsonElement keyset = keysets.get(role.fileKey());
                if (keyset == null || !keyset.isJsonObject()) {
                    throw new KeyException(where + ": missing keysets." + role.fileKey());
                }
                encrypted.put(role, keyset.toString());
            }
            return new Contents(tenant, encrypted, destroyed);
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException
                | NumberFormatException e) {
            // The document holds only ciphertext, but parser messages are still kept short.
            throw new KeyException(where + ": malformed JSON (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static JsonElement required(JsonObject root, String field, String where) {
        JsonElement value = root.get(field);
        if (value == null || value.isJsonNull()) {
            throw new KeyException(where + ": missing field '" + field + "'");
        }
        return value;
    }

    private static String string(JsonObject root, String field, String where) {
        JsonElement value = required(root, field, where);
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new KeyException(where + ": field '" + field + "' must be a string");
        }
        return value.getAsString();
    }
}
