"""Vigil nightly as an Airflow DAG: one SparkSubmitOperator per run date (Airflow's data interval).

Needs apache-airflow-providers-apache-spark and a Spark connection `spark_vigil` (host spark://...:7077,
or yarn / k8s). The fat jar and configs are installed at /opt/vigil. Reruns (airflow tasks clear) are
safe: a date's score partition and metric rows are replaced, never duplicated.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

VIGIL = "/opt/vigil"

with DAG(
    dag_id="vigil_nightly",
    schedule="15 2 * * *",
    start_date=datetime(2026, 11, 1),
    catchup=False,
    max_active_runs=1,  # runs of one config write the same tables: one at a time
    default_args={"retries": 2, "retry_delay": timedelta(minutes=10)},
) as dag:
    SparkSubmitOperator(
        task_id="nightly",
        conn_id="spark_vigil",
        application=f"{VIGIL}/vigil-spark-jobs-all.jar",
        java_class="io.vigil.cli.VigilCli",
        properties_file=f"{VIGIL}/deploy/spark-defaults.conf",
        application_args=[
            "nightly",
            "--conf", f"{VIGIL}/conf/example-transactions.conf",  # the README's "Use it on your own table"
            "--output", "hdfs:///vigil/warehouse",
            "--date", "{{ ds }}",
        ],
        name="vigil-nightly-{{ ds }}",
    )
