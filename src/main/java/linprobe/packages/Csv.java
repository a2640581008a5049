package linprobe.packages;

import java.util.List;
import linprobe.packages.PackageDataset.Row;

/** RFC 4180 CSV: a field is quoted when it holds a comma, a quote or a line break, quotes doubled. */
public final class Csv {
  private Csv() {}

  public static String field(String s) {
    boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0
        || s.indexOf('\r') >= 0 || (!s.isEmpty() && (s.charAt(0) == ' ' || s.endsWith(" ")));
    return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }

  public static String line(String... fields) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) b.append(',');
      b.append(field(fields[i]));
    }
    return b.append('\n').toString();
  }

  /** The dataset's rows with the header id,label,text. */
  public static String rows(List<Row> rows) {
    StringBuilder b = new StringBuilder(line("id", "label", "text"));
    for (Row r : rows) b.append(line(r.id(), r.label(), r.text()));
    return b.toString();
  }
}
