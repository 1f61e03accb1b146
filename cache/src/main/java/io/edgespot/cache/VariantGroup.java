package io.edgespot.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The cached variants of one URL, the value type of a tenant's Caffeine map.
 *
 * <p>Keeping the variants of a URL together makes Vary selection one map read, and invalidating a URL one removal.
 * The URL itself is held only sealed ({@code sealedLocator}), opened solely by prefix purges.
 *
 * @param sealedLocator the sealed {@link PrimaryKey} encoding
 * @param variants the variants, oldest first
 */
record VariantGroup(byte[] sealedLocator, List<StoredVariant> variants) {

    /** Returns the weight charged to the quota, capped to what Caffeine's int weigher can express. */
    int weight() {
        long weight = 64L + sealedLocator.length;
        for (StoredVariant variant : variants) {
            weight += variant.weight();
        }
        return (int) Math.min(Integer.MAX_VALUE, weight);
    }

    /** Returns the variant with this selector, or {@code null}. */
    StoredVariant find(Digest selector) {
        for (StoredVariant variant : variants) {
            if (variant.selector().equals(selector)) {
                return variant;
            }
        }
        return null;
    }

    /** Returns a group with {@code variant} replacing the one of the same selector, keeping at most {@code max}. */
    VariantGroup with(StoredVariant variant, int max) {
        List<StoredVariant> next = new ArrayList<>(variants.size() + 1);
        for (StoredVariant existing : variants) {
            if (!existing.selector().equals(variant.selector())) {
                next.add(existing);
            }
        }
        next.add(variant);
        while (next.size() > max) {
            next.remove(0);
        }
        return new VariantGroup(sealedLocator, List.copyOf(next));
    }

    /** Returns a group without the variant of this selector, or {@code null} when none is left. */
    VariantGroup without(Digest selector) {
        List<StoredVariant> next = new ArrayList<>(variants);
        next.removeIf(v -> v.selector().equals(selector));
        return next.isEmpty() ? null : new VariantGroup(sealedLocator, List.copyOf(next));
    }

    /** Returns a group with {@code change} applied to every variant; a {@code null} result removes it. */
    VariantGroup map(UnaryOperator<StoredVariant> change) {
        List<StoredVariant> next = new ArrayList<>(variants.size());
        for (StoredVariant variant : variants) {
            StoredVariant changed = change.apply(variant);
            if (changed != null) {
                next.add(changed);
            }
        }
        return next.isEmpty() ? null : new VariantGroup(sealedLocator, List.copyOf(next));
    }
}
