"""linprobe from a Python notebook through py4j (Databricks, Jupyter with pyspark).

The linprobe jar must be on the driver's classpath (cluster library, or
``pyspark --jars target/linprobe-0.1.0.jar``). The job runs on the notebook's SparkSession.
"""
from pyspark.sql import DataFrame, SparkSession

spark = SparkSession.builder.getOrCreate()
jvm = spark._jvm

o = jvm.linprobe.CurveOptions()
o.train = "dbfs:/embeddings/vit-b16/cifar10/train"
o.test = "dbfs:/embeddings/vit-b16/cifar10/test"
o.models = jvm.linprobe.CurveOptions.Model.parseList("nb,lr")
o.parseShots("1,2,5,10,20,50,100,all")
o.seeds = jvm.linprobe.CurveOptions.range(5)
# o.out = "dbfs:/linprobe/runs/notebook-1"  # set to also write the output directory

r = jvm.linprobe.LinProbe.curve(spark._jsparkSession, o)
curve = DataFrame(r.curve(), spark)  # a regular PySpark DataFrame
curve.show(100, truncate=False)
print(r.markdown())
print(r.verdict())
