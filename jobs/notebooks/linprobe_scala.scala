// linprobe from a Scala notebook (Databricks, Zeppelin, spark-shell --jars linprobe-0.1.0.jar).
// The job runs on the notebook's SparkSession and never stops it.
import linprobe.{CurveOptions, LinProbe}

val o = CurveOptions.builder()
  .train("dbfs:/embeddings/vit-b16/cifar10/train")
  .test("dbfs:/embeddings/vit-b16/cifar10/test")
  .models("nb,nb-perclass,lr")
  .shots("1,2,5,10,20,50,100,all")
  .seeds(5)
  // .out("dbfs:/linprobe/runs/notebook-1")   // set to also write the output directory
  .build()                     // checks every setting; throws LinprobeException naming the fix

val r = LinProbe.curve(spark, o)
r.curve.show(100, false)      // model, shots, n_train, seeds, error_mean, error_std, ...
println(r.markdown)           // the table linprobe curve prints
println(r.verdict)
