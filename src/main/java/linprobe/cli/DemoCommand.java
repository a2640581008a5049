package linprobe.cli;

import java.io.File;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import linprobe.CurveOptions;
import linprobe.LinprobeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Main.VersionInfo.class,
    description = {"Run curve on the bundled data-samples (scikit-learn's digits by default) "
        + "with curve's defaults and all three models (nb, nb-perclass, lr), and print the "
        + "learning-curve table."})
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--out", paramLabel = "DIR",
      description = "Output directory (default: a new directory under the system temp dir).")
  String out;

  @Option(names = "--dataset", paramLabel = "NAME",
      description = "digits (1,198 train rows, 64 dims), fashion (2,000 train rows of "
          + "Fashion-MNIST pixels, 784 dims) or packages (Debian package descriptions in 14 "
          + "sections, all-MiniLM-L6-v2 sentence embeddings, 384 dims; made by "
          + "data-samples/make_packages.sh) (default: digits).")
  String dataset = "digits";

  @Option(names = "--data-samples", paramLabel = "DIR",
      description = "Where data-samples is (default: the linprobe checkout's data-samples).")
  String dataSamples;

  @Option(names = "--seeds", paramLabel = "N",
      description = "Seeds 0..N-1 (default: curve's, 5).")
  Integer seeds;

  @picocli.CommandLine.Mixin RunOptions run = new RunOptions();


  @Override
  public Integer call() throws Exception {
    if (!dataset.equals("digits") && !dataset.equals("fashion") && !dataset.equals("packages")) {
      throw new LinprobeException("unknown --dataset '" + dataset
          + "': use digits, fashion or packages");
    }
    File base = new File(dataSamples != null ? dataSamples
        : System.getProperty("linprobe.home", ".") + "/data-samples");
    File train = new File(base, dataset + "/train.parquet");
    File test = new File(base, dataset + "/test.parquet");
    if (dataset.equals("packages") && (!train.exists() || !test.exists())) {
      throw new LinprobeException("the packages embeddings are not at " + base
          + "/packages/{train,test}.parquet: run data-samples/make_packages.sh (it embeds "
          + "data-samples/packages/text/{train,test}.csv with jobs/linprobe embed), or pass "
          + "--data-samples DIR");
    }
    if (!train.exists() || !test.exists()) {
      throw new LinprobeException("bundled data not found at " + base + "/" + dataset
          + ": run from the linprobe checkout or pass --data-samples DIR");
    }
    CurveOptions.Builder o = CurveOptions.builder().train(train.getPath()).test(test.getPath())
        .models("nb,nb-perclass,lr").overwrite(run.overwrite).quiet(run.quiet);
    if (dataset.equals("packages")) o.idCol("id"); // subsets drawn by package name
    if (seeds != null) o.seeds(seeds);
    o.build(); // checked before a temporary directory is made
    o.out(out != null ? out
        : Files.createTempDirectory("linprobe-demo-" + dataset + "-").toString());
    return CurveCommand.run(o.build());
  }
}
