package linprobe.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import linprobe.curve.Comparison;
import linprobe.curve.Fit;
import linprobe.curve.LearningCurve;
import linprobe.curve.Tables;

/**
 * report.html: one self-contained page with the verdict, lr against each naive Bayes model size by
 * size, the pictures, the tables and the run's summary as a table (summary.json folded below it).
 */
public final class HtmlReport {
  private HtmlReport() {}

  /**
   * @param summary summary.json's content (rows, dimension, classes, config, versions, ...)
   * @param summaryJson the same as written, shown folded at the end
   * @param onValidation C was chosen on held-out validation rows (--select validation), not by
   *     cross-validation inside each subset
   */
  public static String render(String title, LearningCurve c, double epsilon, String errorSvg,
      String loglossSvg, String chosenCSvg, Map<String, Object> summary, String summaryJson,
      boolean onValidation) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
        .append(esc(title)).append(" - linprobe</title>\n<style>\n")
        .append("body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222;"
            + "padding:0 1em}\n")
        .append("table{border-collapse:collapse;font-variant-numeric:tabular-nums;"
            + "margin:0.5em 0 1em}\n")
        .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}\n")
        .append("th{background:#f3f3f3}.verdict{font-size:1.2em;font-weight:bold}\n")
        .append(".sub{color:#555}.note{color:#555;font-size:0.9em}\n")
        .append("table.run td,table.run th{text-align:left;vertical-align:top}\n")
        .append("td.lr-better{background:#e3f1e3}td.nb-better{background:#fbe9d7}"
            + "td.level{background:#f1f1f1}.v{text-align:left}\n"
            + ".warn{background:#fff4e5;border-left:4px solid #e69500;padding:.3em 1em;"
            + "margin:1em 0}\n")
        .append("svg{max-width:100%;height:auto}pre{background:#f7f7f7;padding:1em;"
            + "overflow:auto}\n</style></head><body>\n");
    h.append("<h1>").append(esc(title)).append("</h1>\n");
    h.append("<p class=\"sub\">").append(esc(facts(summary))).append("</p>\n");
    if (summary.get("warnings") instanceof List<?> warnings && !warnings.isEmpty()) {
      // what the run warned about on stderr, which a reader of the page never saw
      h.append("<div class=\"warn\"><b>Warnings</b><ul>\n");
      for (Object w : warnings) h.append("<li>").append(esc(String.valueOf(w))).append("</li>\n");
      h.append("</ul></div>\n");
    }
    String verdict = Tables.verdict(c);
    if (verdict != null) {
      // as written: model names stay as the user typed them ("lr", not "Lr")
      h.append("<p class=\"verdict\">").append(esc(verdict)).append("</p>\n");
    }
    List<Comparison> comparisons = c.comparisons();
    if (!comparisons.isEmpty()) {
      h.append("<h2>lr against naive Bayes, size by size</h2>\n<p class=\"note\">Test error of "
          + "lr minus naive Bayes, paired by seed (both are fitted on the same subsets): mean "
          + "&plusmn; Student-t 95% half-width over seeds. Below 0 lr is better; level when the "
          + "interval contains 0" + esc(Tables.oneFitNote(c, "; ")) + ".</p>\n");
      h.append("<table><tr><th>shots</th>");
      for (Comparison k : comparisons) {
        h.append("<th>lr &minus; ").append(esc(k.nbModel()))
            .append("</th><th class=\"v\">verdict</th>");
      }
      h.append("</tr>\n");
      for (int s : c.shots()) {
        h.append("<tr><td>").append(Fit.shotsLabel(s)).append("</td>");
        for (Comparison k : comparisons) {
          Comparison.Row r = k.at(s);
          h.append("<td>").append(esc(Tables.diffCell(r))).append("</td>");
          if (r == null) {
            h.append("<td></td>");
          } else {
            h.append("<td class=\"v ").append(r.verdict().name().toLowerCase(Locale.ROOT)
                .replace('_', '-')).append("\">").append(esc(verdictText(r))).append("</td>");
          }
        }
        h.append("</tr>\n");
      }
      h.append("</table>\n");
    }
    h.append("<h2>Test error</h2>\n").append(stripXmlProlog(errorSvg)).append('\n');
    h.append("<h2>Test log-loss</h2>\n").append(stripXmlProlog(loglossSvg)).append('\n');
    if (chosenCSvg != null) {
      h.append("<h2>Logistic regression's C, chosen in every subset</h2>\n<p class=\"note\">"
          + "Each point is one fit's C ("
          + (onValidation
              ? "the C with the lowest score on the held-out validation rows, 1-shot subsets "
                  + "included"
              : "cross-validation inside its subset; 1-shot subsets use the fallback C")
          + "); the line is the median per size.</p>\n")
          .append(stripXmlProlog(chosenCSvg)).append('\n');
    }
    h.append("<h2>Learning curve</h2>\n<p class=\"note\">")
        .append(Tables.spreadNote(c, "&plusmn;")).append("</p>\n");
    h.append("<table><tr><th>shots</th><th>n_train</th>");
    List<String> models = c.models();
    for (String m : models) h.append("<th>").append(esc(m)).append(" error</th>");
    for (String m : models) h.append("<th>").append(esc(m)).append(" log-loss</th>");
    h.append("</tr>\n");
    for (int s : c.shots()) {
      h.append("<tr><td>").append(Fit.shotsLabel(s)).append("</td><td>").append(nTrain(c, s))
          .append("</td>");
      for (String m : models) h.append("<td>").append(Tables.cell(c.at(m, s), true)).append("</td>");
      for (String m : models) h.append("<td>").append(Tables.cell(c.at(m, s), false)).append("</td>");
      h.append("</tr>\n");
    }
    h.append("</table>\n");
    otherMetrics(h, c);
    h.append("<h2>Asymptotes (the error at the largest size)</h2>\n<ul>\n");
    for (String m : models) {
      h.append(String.format(Locale.ROOT,
          "<li>%s: asymptotic error %.4f (largest size); within %s of it: %s</li>%n",
          esc(m), c.asymptoticError(m), Tables.num(epsilon),
          Tables.reached(c.shotsToEpsilon(m, epsilon))));
    }
    h.append("</ul>\n<h2>Run</h2>\n");
    runTable(h, summary);
    h.append("<details><summary>summary.json</summary>\n<pre>").append(esc(summaryJson))
        .append("</pre></details>\n");
    h.append("</body></html>\n");
    return h.toString();
  }

  /** "lr better", "nb-perclass better", "level", with "(one fit)" or "(no spread)". */
  static String verdictText(Comparison.Row r) {
    String v = r.verdict() == Comparison.Verdict.NB_BETTER ? r.nbModel() + " better"
        : r.verdict().text;
    return v + r.mark();
  }

  private static String nTrain(LearningCurve c, int s) {
    for (String m : c.models()) {
      LearningCurve.Point p = c.at(m, s);
      if (p != null) return String.format(Locale.ROOT, "%.0f", p.nTrain());
    }
    return "";
  }

  /** Top-5 error (more than 5 classes) and balanced error, mean ± std per size. */
  private static void otherMetrics(StringBuilder h, LearningCurve c) {
    boolean top5 = c.points().stream().anyMatch(p -> !Double.isNaN(p.top5ErrorMean()));
    boolean balanced = c.points().stream().anyMatch(p -> !Double.isNaN(p.balancedErrorMean()));
    if (!top5 && !balanced) return;
    List<String> models = c.models();
    h.append("<h2>").append(top5 ? "Top-5 error and balanced error" : "Balanced error")
        .append("</h2>\n<p class=\"note\">").append(Tables.spreadNote(c, "&plusmn;")).append(' ')
        .append(top5 ? "Top-5 error: the true class is not among the 5 highest scores. " : "")
        .append("Balanced error: 1 &minus; the mean per-class recall over the classes in the "
            + "test set (per_class.csv has every recall).</p>\n<table><tr><th>shots</th>");
    if (top5) for (String m : models) h.append("<th>").append(esc(m)).append(" top-5</th>");
    if (balanced) {
      for (String m : models) h.append("<th>").append(esc(m)).append(" balanced</th>");
    }
    h.append("</tr>\n");
    for (int s : c.shots()) {
      h.append("<tr><td>").append(Fit.shotsLabel(s)).append("</td>");
      if (top5) {
        for (String m : models) {
          LearningCurve.Point p = c.at(m, s);
          h.append("<td>").append(p == null ? "" : Tables.meanStd(p.top5ErrorMean(),
              p.top5ErrorStd())).append("</td>");
        }
      }
      if (balanced) {
        for (String m : models) {
          LearningCurve.Point p = c.at(m, s);
          h.append("<td>").append(p == null ? "" : Tables.meanStd(p.balancedErrorMean(),
              p.balancedErrorStd())).append("</td>");
        }
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n");
  }

  /** "64 dimensions, 10 classes; 1,198 training and 599 test rows; 5 seeds". */
  static String facts(Map<String, Object> s) {
    Map<?, ?> rows = (Map<?, ?>) s.get("rows");
    List<?> classes = (List<?>) s.get("classes");
    List<?> seeds = (List<?>) group(s, "grid").get("seeds");
    return String.format(Locale.ROOT, "%s dimensions, %d classes; %,d training and %,d test "
        + "rows; %d seed%s", s.get("dimension"), classes.size(), ((Number) rows.get("train"))
        .longValue(), ((Number) rows.get("test")).longValue(), seeds.size(),
        seeds.size() == 1 ? "" : "s");
  }

  private static Map<?, ?> group(Map<String, Object> s, String group) {
    return (Map<?, ?>) ((Map<?, ?>) s.get("config")).get(group);
  }

  /** The run's summary as a two-column table: what, value. */
  private static void runTable(StringBuilder h, Map<String, Object> s) {
    Map<?, ?> rows = (Map<?, ?>) s.get("rows");
    Map<?, ?> input = group(s, "input");
    Map<?, ?> grid = group(s, "grid");
    List<String[]> t = new ArrayList<>();
    t.add(new String[] {"training rows", String.format(Locale.ROOT, "%,d", num(rows, "train"))
        + invalid(num(rows, "train_invalid")) + " from " + input.get("train")});
    t.add(new String[] {"test rows", String.format(Locale.ROOT, "%,d", num(rows, "test"))
        + invalid(num(rows, "test_invalid")) + " from " + input.get("test")});
    if (s.get("validation") instanceof Map<?, ?> v) {
      t.add(new String[] {"validation rows", String.format(Locale.ROOT, "%,d", num(v, "rows"))
          + (v.get("path") != null ? " from " + v.get("path")
              : " held out of train (" + v.get("fraction") + " of every class), never trained on")
          + "; C chosen on them"});
    }
    t.add(new String[] {"dimension", String.valueOf(s.get("dimension"))});
    t.add(new String[] {"classes", classes((List<?>) s.get("classes"))});
    t.add(new String[] {"models", String.join(", ", strings((List<?>) grid.get("models")))});
    t.add(new String[] {"shots", String.join(", ", strings((List<?>) s.get("shots")))});
    List<?> seeds = (List<?>) grid.get("seeds");
    t.add(new String[] {"seeds", seeds.size() + ": " + String.join(", ", strings(seeds))});
    Map<?, ?> config = (Map<?, ?>) s.get("config");
    // with a fixed C, how C would be chosen does not apply: summary.json keeps it, the page not
    boolean fixedC = config.get("lr") instanceof Map<?, ?> lr && lr.get("lr_c") != null
        && !"auto".equals(String.valueOf(lr.get("lr_c")));
    for (var g : config.entrySet()) {
      List<String> kv = new ArrayList<>();
      for (var e : ((Map<?, ?>) g.getValue()).entrySet()) {
        String key = String.valueOf(e.getKey());
        if (g.getKey().equals("input") && (key.equals("train") || key.equals("test"))) continue;
        if (g.getKey().equals("grid") && !key.equals("scaling")) continue; // rows of their own
        if (g.getKey().equals("lr") && fixedC && linprobe.CurveOptions.choosesC(key)) continue;
        kv.add(key + " = " + value(e.getValue()));
      }
      if (!kv.isEmpty()) t.add(new String[] {g.getKey() + " settings", String.join("; ", kv)});
    }
    t.add(new String[] {"versions", "linprobe " + s.get("linprobe_version") + ", Spark "
        + s.get("spark_version") + ", BLAS " + s.get("blas")});
    t.add(new String[] {"runtime", duration(num(s, "runtime_ms"))});
    h.append("<table class=\"run\">\n");
    for (String[] row : t) {
      h.append("<tr><th>").append(esc(row[0])).append("</th><td>").append(esc(row[1]))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  /** A setting's value as a person writes it: 1e-6, not 1.0E-6; "not set" for null. */
  private static String value(Object v) {
    if (v == null) return "not set";
    if (v instanceof List<?> l) return String.join(",", strings(l));
    if (v instanceof Double d) {
      String t = String.valueOf(d);
      return t.contains("E") ? t.replace(".0E", "e").replace("E", "e") : t;
    }
    return String.valueOf(v);
  }

  private static long num(Map<?, ?> m, String key) {
    Object v = m.get(key);
    return v instanceof Number n ? n.longValue() : 0;
  }

  private static String invalid(long n) {
    return n == 0 ? "" : String.format(Locale.ROOT, " (%,d invalid rows dropped)", n);
  }

  /** "10: 0 (119 train / 59 test), 1 (...)" — at most 30 listed. */
  private static String classes(List<?> classes) {
    StringBuilder sb = new StringBuilder().append(classes.size()).append(": ");
    int shown = Math.min(classes.size(), 30);
    for (int i = 0; i < shown; i++) {
      Map<?, ?> c = (Map<?, ?>) classes.get(i);
      if (i > 0) sb.append(", ");
      sb.append(c.get("label")).append(" (").append(c.get("train")).append(" train / ")
          .append(c.get("test")).append(" test)");
    }
    if (shown < classes.size()) {
      sb.append(", ... (all ").append(classes.size()).append(" in summary.json)");
    }
    return sb.toString();
  }

  private static List<String> strings(List<?> l) {
    return l == null ? List.of() : l.stream().map(String::valueOf).toList();
  }

  /** "14.2 s", "8 min 3 s". */
  static String duration(long ms) {
    if (ms < 60_000) return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    long s = Math.round(ms / 1000.0);
    return s / 60 + " min " + s % 60 + " s";
  }

  /** A minimal self-contained page around a body. */
  public static String page(String title, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title)
        + "</title>\n<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}"
        + "svg{max-width:100%;height:auto}pre{background:#f7f7f7;padding:1em}"
        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
        + "padding:.2em .6em}td.r{text-align:right}</style></head>"
        + "<body>\n<h1>" + esc(title) + "</h1>\n" + body + "\n</body></html>\n";
  }

  /**
   * The markdown linprobe writes (paragraphs and pipe tables, as simulate.md) as HTML: a table
   * as a table, right-aligned where its separator row says ---:, the rest as paragraphs.
   */
  public static String fromMarkdown(String md) {
    StringBuilder h = new StringBuilder();
    for (String block : md.strip().split("\\n\\s*\\n")) {
      List<String> lines = block.lines().toList();
      if (lines.size() >= 2 && lines.stream().allMatch(l -> l.startsWith("|"))) {
        List<String> align = cells(lines.get(1));
        h.append("<table>\n<tr>");
        for (String c : cells(lines.get(0))) h.append("<th>").append(esc(c)).append("</th>");
        h.append("</tr>\n");
        for (String row : lines.subList(2, lines.size())) {
          h.append("<tr>");
          List<String> cs = cells(row);
          for (int i = 0; i < cs.size(); i++) {
            boolean right = i < align.size() && align.get(i).endsWith(":");
            h.append(right ? "<td class=\"r\">" : "<td>").append(esc(cs.get(i)))
                .append("</td>");
          }
          h.append("</tr>\n");
        }
        h.append("</table>\n");
      } else {
        h.append("<p>").append(esc(block.strip())).append("</p>\n");
      }
    }
    return h.toString();
  }

  /** The cells of a pipe-table row, trimmed. */
  private static List<String> cells(String row) {
    String inner = row.strip();
    inner = inner.substring(1, inner.endsWith("|") && inner.length() > 1 ? inner.length() - 1
        : inner.length());
    return java.util.Arrays.stream(inner.split("\\|", -1)).map(String::strip).toList();
  }

  public static String stripXmlProlog(String svg) {
    int i = svg.indexOf("<svg");
    return i < 0 ? svg : svg.substring(i);
  }

  public static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
