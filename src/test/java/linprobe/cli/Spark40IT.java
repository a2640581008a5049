package linprobe.cli;

/**
 * The application jar on Spark 4.0.0: Databricks Runtime 17.3 LTS's Spark, which
 * jobs/databricks/linprobe_job.json names.
 */
class Spark40IT extends OlderSpark {
  @Override
  String spark() {
    return "4.0.0";
  }

  @Override
  String runtime() {
    return "17.3";
  }
}
