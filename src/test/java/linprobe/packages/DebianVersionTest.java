package linprobe.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** dpkg's ordering (deb-version(5)), from its documented cases. */
class DebianVersionTest {
  static void older(String a, String b) {
    assertTrue(DebianVersion.compare(a, b) < 0, a + " < " + b);
    assertTrue(DebianVersion.compare(b, a) > 0, b + " > " + a);
  }

  @Test
  void tildeSortsBeforeEverythingEvenTheEnd() {
    older("1.0~rc1", "1.0");
    older("1.0~~", "1.0~~a"); // deb-version(5): ~~ < ~~a < ~ < (nothing) < a
    older("1.0~~a", "1.0~");
    older("1.0~", "1.0");
    older("2.10-3~bpo12+1", "2.10-3");
  }

  @Test
  void lettersBeforeOtherCharactersAndDigitRunsAsNumbers() {
    older("1.0", "1.0a");
    older("1.0a", "1.0+");
    older("1.0", "1.0+b1");
    older("1.9", "1.10");
    older("1.09", "1.10");
    older("2.52+dfsg-1", "2.52+dfsg-1+b1");
  }

  @Test
  void epochThenUpstreamThenRevision() {
    older("2.10-2", "1:2.9-1");
    older("1.0-2", "1.0-10");
    older("1.0-1", "1.1-0");
    older("1:1.0", "2:0.1");
    assertEquals(0, DebianVersion.compare("0:1.0-1", "1.0-1"), "epoch 0 is no epoch");
    assertEquals(0, DebianVersion.compare("1.001", "1.1"), "leading zeros do not count");
    assertEquals(0, DebianVersion.compare("1.0", "1.0"));
  }

  @Test
  void upstreamMayContainHyphensAndColonsUpToTheLastOne() {
    older("1:1.2-3-4", "1:1.2-3-5");
    String[] p = DebianVersion.split("2:1.2-rc-3");
    assertEquals("2", p[0]);
    assertEquals("1.2-rc", p[1]);
    assertEquals("3", p[2]);
  }
}
