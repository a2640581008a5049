"""linprobe from a Python notebook through py4j (Databricks, Jupyter with pyspark).

The linprobe jar must be on the driver's classpath (cluster library, or
``pyspark --jars target/linprobe-0.1.0.jar``). The job runs on the notebook's SparkSession.
"""
from pyspark.sql import DataFrame, SparkSession

spark = SparkSession.builder.getOrCreate()
jvm = spark._jvm

# Options are built with setters (py4j calls Java methods; assigning attributes on a Java object
# does nothing). build() checks them all and raises with the CLI's one-line message.
o = (
    jvm.linprobe.CurveOptions.builder()
    .train("dbfs:/embeddings/vit-b16/cifar10/train")
    .test("dbfs:/embeddings/vit-b16/cifar10/test")
    .models("nb,lr")
    .shots("1,2,5,10,20,50,100,all")
    .seeds(5)
    # .out("dbfs:/linprobe/runs/notebook-1")  # set to also write the output directory
    .build()
)
print(o.describe())  # every setting, grouped, as summary.json's "config" has them

r = jvm.linprobe.LinProbe.curve(spark._jsparkSession, o)
curve = DataFrame(r.curve(), spark)  # a regular PySpark DataFrame
curve.show(100, truncate=False)
print(r.markdown())
print(r.verdict())
