// linprobe from a Scala notebook (Databricks, Zeppelin, spark-shell --jars linprobe-0.1.0.jar).
// The job runs on the notebook's SparkSession and never stops it.
import linprobe.{CurveOptions, LinProbe}

val o = new CurveOptions()
o.train = "dbfs:/embeddings/vit-b16/cifar10/train"
o.test = "dbfs:/embeddings/vit-b16/cifar10/test"
o.models = CurveOptions.Model.parseList("nb,nb-perclass,lr")
o.parseShots("1,2,5,10,20,50,100,all")
o.seeds = CurveOptions.range(5)
// o.out = "dbfs:/linprobe/runs/notebook-1"   // set to also write the output directory

val r = LinProbe.curve(spark, o)
r.curve.show(100, false)      // model, shots, n_train, seeds, error_mean, error_std, ...
println(r.markdown)           // the table linprobe curve prints
println(r.verdict)
