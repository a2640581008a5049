package linprobe.cli;

/** The application jar on Spark 4.1.0: Databricks Runtime 18 LTS's Spark. */
class Spark41IT extends OlderSpark {
  @Override
  String spark() {
    return "4.1.0";
  }

  @Override
  String runtime() {
    return "18";
  }
}
