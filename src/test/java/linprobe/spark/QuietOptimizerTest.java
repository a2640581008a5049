package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import linprobe.CurveOptions;
import linprobe.math.BreezeLbfgs;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that succeeds logs no ERROR: Breeze logs each failed line search it recovers from (by
 * resetting its history) as one ("Failure! Resetting history"), 18 of them in this run before
 * they were demoted to DEBUG, though every fit converged.
 */
class QuietOptimizerTest extends SparkTestBase {
  @TempDir Path tmp;

  @Test
  void aConvergedRunLogsNoError() throws Exception {
    String train = tmp.resolve("train").toString(), test = tmp.resolve("test").toString();
    // jobs/linprobe generate --classes 3 --dims 8 --train-rows 300 --test-rows 300
    Synthetic.paperMixture(spark(), 0, 300, 8, 3, 1, 1).write().parquet(train);
    Synthetic.paperMixture(spark(), 300, 300, 8, 3, 2, 1).write().parquet(test);
    List<String> errors = new ArrayList<>();
    List<String> recovered = new ArrayList<>();
    AbstractAppender capture = new AbstractAppender("capture-errors", null, null, true,
        Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent e) {
        String m = e.getLoggerName() + ": " + e.getMessage().getFormattedMessage();
        synchronized (errors) {
          if (e.getLevel().isMoreSpecificThan(Level.ERROR)) errors.add(m);
          else if (m.contains(BreezeLbfgs.Recovered())) recovered.add(m);
        }
      }
    };
    capture.start();
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    ctx.getConfiguration().getRootLogger().addAppender(capture, Level.ALL, null);
    // the optimizer's DEBUG lines too: the run must have recovered from failed line searches
    String seeded = "linprobe.math.BreezeLbfgs$Seeded";
    org.apache.logging.log4j.core.config.Configurator.setLevel(seeded, Level.DEBUG);
    ctx.updateLoggers();
    try {
      CurveJob.Result r = runCurve(CurveOptions.builder().train(train).test(test)
          .out(tmp.resolve("out").toString()).shots("1,2,5").seedList(0, 1).models("lr")
          .select("validation").validationFraction(0.2).quiet(true).build());
      assertEquals(6, r.fits().size());
      assertTrue(r.fits().stream().allMatch(f -> f.converged()));
    } finally {
      org.apache.logging.log4j.core.config.Configurator.setLevel(seeded, (Level) null);
      ctx.getConfiguration().getRootLogger().removeAppender("capture-errors");
      ctx.updateLoggers();
      capture.stop();
    }
    assertEquals(List.of(), errors);
    assertTrue(recovered.size() > 0, "the run recovered from no failed line search: no test");
  }
}
