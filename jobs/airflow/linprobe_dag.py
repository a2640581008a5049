"""Example Airflow DAG: a nightly linprobe learning curve through SparkSubmitOperator.

Copy into your DAGs folder; set the Spark connection (conn id ``spark_default``) to your cluster
and LINPROBE_JAR to where you deployed target/linprobe-0.1.0.jar. The output directory carries
the run id, so reruns never overwrite each other (linprobe refuses a non-empty --out anyway).
Exit codes: 0 done, 2 bad input or options (a retry will fail the same way: SparkSubmitOperator
retries every failure, so a retry of a bad-input run costs a few seconds), 1 anything else. A
retry runs with the same run id, so into the same --out: --resume continues from the logistic
regressions the failed try recorded (and starts afresh when it recorded none; when the try had
finished its output before it was reported failed, the retry exits 0 without redoing it). In cluster deploy
mode a try stopped by Airflow may leave its driver running: stop it before the retry starts (a
retry_delay longer than the job takes is another way), or --resume on another host takes its lock.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

LINPROBE_JAR = "s3a://my-bucket/jars/linprobe-0.1.0.jar"
EMBEDDINGS = "s3a://my-bucket/embeddings/vit-b16/cifar10"

with DAG(
    dag_id="linprobe_learning_curve",
    start_date=datetime(2026, 1, 1),
    schedule="@daily",
    catchup=False,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=10)},
    tags=["linprobe"],
) as dag:
    SparkSubmitOperator(
        task_id="curve",
        conn_id="spark_default",
        application=LINPROBE_JAR,
        java_class="linprobe.cli.Main",
        conf={
            "spark.executor.memory": "8g",
            # protocol settings can live in Spark conf instead of flags
            "spark.linprobe.lr-c": "1.0",
            "spark.executorEnv.OPENBLAS_NUM_THREADS": "1",
        },
        application_args=[
            "curve",
            "--train", f"{EMBEDDINGS}/train",
            "--test", f"{EMBEDDINGS}/test",
            "--out", "s3a://my-bucket/linprobe/{{ ds_nodash }}/{{ run_id | replace(':', '_') }}",
            "--models", "nb,lr",
            "--seeds", "5",
            "--resume",
        ],
    )
