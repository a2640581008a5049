package linprobe.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The sampling key as docs/protocol.md states it, so that a user can draw linprobe's subsets
 * elsewhere: the values below come from a separate Python implementation of that text.
 */
class RowKeysTest {
  @Test
  void theKeyIsTheDocumentedFormula() {
    // mix = SplitMix64's finaliser; key = mix(idOf(id) ^ mix(seed + 0x9e3779b97f4a7c15))
    assertEquals(-2583603570393185718L, RowKeys.key(3, RowKeys.idOf(42L)));
    assertEquals(-2583603570393185718L, RowKeys.key(3, RowKeys.idOf(42))); // an int id too
    assertEquals(-6565696905721088132L, RowKeys.key(0, RowKeys.idOf("img-7")));
  }
}
