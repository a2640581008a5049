package linprobe.cli;

import java.util.ListResourceBundle;
import linprobe.CurveOptions;

/**
 * The help of {@code curve}'s options, from {@link CurveOptions.Setting}: each setting's doc and
 * default are written once, there (picocli looks options up here by flag name).
 */
public final class CurveHelp extends ListResourceBundle {
  @Override
  protected Object[][] getContents() {
    CurveOptions.Setting[] settings = CurveOptions.Setting.values();
    Object[][] contents = new Object[settings.length][];
    for (int i = 0; i < settings.length; i++) {
      contents[i] = new Object[] {settings[i].key(), settings[i].help()};
    }
    return contents;
  }
}
