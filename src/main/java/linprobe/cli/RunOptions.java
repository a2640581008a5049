package linprobe.cli;

import picocli.CommandLine.Option;

/** Options every command that writes an output directory shares (a picocli mixin). */
public final class RunOptions {
  @Option(names = "--overwrite", description = "Replace --out if it is a finished output.")
  boolean overwrite;

  @Option(names = "--quiet", description = "No progress lines on stderr.")
  boolean quiet;

  @Option(names = "--verbose", description = "Stack traces on errors.")
  boolean verbose;
}
