package linprobe.report;

import java.util.List;
import java.util.Locale;
import linprobe.curve.Fit;
import linprobe.curve.LearningCurve;
import linprobe.curve.Tables;

/** report.html: one self-contained page with the verdict, the table, the pictures and the run. */
public final class HtmlReport {
  private HtmlReport() {}

  public static String render(String title, LearningCurve c, double epsilon, String errorSvg,
      String loglossSvg, String summaryJson) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
        .append(esc(title)).append("</title>\n<style>\n")
        .append("body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}\n")
        .append("table{border-collapse:collapse;font-variant-numeric:tabular-nums}\n")
        .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}\n")
        .append("th{background:#f3f3f3}.verdict{font-size:1.2em;font-weight:bold}\n")
        .append("svg{max-width:100%;height:auto}pre{background:#f7f7f7;padding:1em;"
            + "overflow:auto}\n</style></head><body>\n");
    h.append("<h1>").append(esc(title)).append("</h1>\n");
    String verdict = Tables.verdict(c);
    if (verdict != null) {
      h.append("<p class=\"verdict\">").append(esc(capitalize(verdict))).append("</p>\n");
    }
    h.append("<h2>Test error</h2>\n").append(stripXmlProlog(errorSvg)).append('\n');
    h.append("<h2>Test log-loss</h2>\n").append(stripXmlProlog(loglossSvg)).append('\n');
    h.append("<h2>Learning curve</h2>\n<p>Mean over seeds &plusmn; sample standard deviation.</p>\n");
    h.append("<table><tr><th>shots</th><th>n_train</th>");
    List<String> models = c.models();
    for (String m : models) h.append("<th>").append(esc(m)).append(" error</th>");
    for (String m : models) h.append("<th>").append(esc(m)).append(" log-loss</th>");
    h.append("</tr>\n");
    for (int s : c.shots()) {
      LearningCurve.Point any = null;
      for (String m : models) if (any == null) any = c.at(m, s);
      h.append("<tr><td>").append(Fit.shotsLabel(s)).append("</td><td>")
          .append(any == null ? "" : String.format(Locale.ROOT, "%.0f", any.nTrain()))
          .append("</td>");
      for (String m : models) h.append("<td>").append(Tables.cell(c.at(m, s), true)).append("</td>");
      for (String m : models) h.append("<td>").append(Tables.cell(c.at(m, s), false)).append("</td>");
      h.append("</tr>\n");
    }
    h.append("</table>\n<h2>Asymptotes</h2>\n<ul>\n");
    for (String m : models) {
      Integer e = c.shotsToEpsilon(m, epsilon);
      h.append(String.format(Locale.ROOT,
          "<li>%s: asymptotic error %.4f (largest size); within %s of it from %s shots</li>%n",
          esc(m), c.asymptoticError(m), Tables.num(epsilon),
          e == null ? "no" : Fit.shotsLabel(e)));
    }
    h.append("</ul>\n<h2>Run</h2>\n<pre>").append(esc(summaryJson)).append("</pre>\n");
    h.append("</body></html>\n");
    return h.toString();
  }

  /** A minimal self-contained page around a body. */
  public static String page(String title, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title)
        + "</title>\n<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}"
        + "svg{max-width:100%;height:auto}pre{background:#f7f7f7;padding:1em}</style></head>"
        + "<body>\n<h1>" + esc(title) + "</h1>\n" + body + "\n</body></html>\n";
  }

  static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  public static String stripXmlProlog(String svg) {
    int i = svg.indexOf("<svg");
    return i < 0 ? svg : svg.substring(i);
  }

  public static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
