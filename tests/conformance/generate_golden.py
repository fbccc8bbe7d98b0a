#!/usr/bin/env python3
"""Generates golden request vectors with botocore's own serializers (the reference implementation).

Each vector holds the operation's input (as botocore takes it) and what botocore puts on the wire:
the awsQuery form parameters (CloudWatch, SNS) or the JSON 1.1 body (Cost Explorer), plus the headers that
select the operation. The C# conformance tests build the same input with our types, serialize it with our
serializers, and assert the same parameters and values.

Usage: python3 tests/conformance/generate_golden.py  (writes tests/conformance/golden/*.json)
"""
import datetime
import json
import os
import urllib.parse

import botocore
import botocore.serialize
import botocore.session

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "golden")
T0 = datetime.datetime(2026, 11, 28, 12, 0, 0, tzinfo=datetime.timezone.utc)

VECTORS = [
    ("cloudwatch", "PutMetricData", "put_metric_data_single_value", {
        "Namespace": "NBA-Simulator/DataCollection",
        "MetricData": [{
            "MetricName": "S3ObjectCount", "Value": 172719.0, "Unit": "Count", "Timestamp": T0,
            "Dimensions": [{"Name": "Bucket", "Value": "nba-sim-raw-data-lake"}],
        }],
    }),
    ("cloudwatch", "PutMetricData", "put_metric_data_statistic_set_and_distribution", {
        "Namespace": "NBA-Simulator/Performance",
        "MetricData": [{
            "MetricName": "S3UploadDuration", "Unit": "Seconds", "Timestamp": T0, "StorageResolution": 1,
            "Dimensions": [{"Name": "Status", "Value": "success"}, {"Name": "Host", "Value": "scraper-01 & co=1"}],
            "StatisticValues": {"SampleCount": 5.0, "Sum": 2.625, "Minimum": 0.0001, "Maximum": 1.25},
            "Values": [0.0001, 0.3, 1.25], "Counts": [2.0, 2.0, 1.0],
        }, {
            "MetricName": "ADCETasksCompleted", "Unit": "Count", "Timestamp": T0,
            "StatisticValues": {"SampleCount": 3.0, "Sum": 9.0, "Minimum": 1.0, "Maximum": 5.0},
        }, {
            "MetricName": "DIMS_S3SizeGB", "Unit": "Gigabytes", "Value": 1.0e-7,
            "Timestamp": T0, "Dimensions": [{"Name": "Source", "Value": "DIMS"}],
        }, {
            "MetricName": "Huge", "Unit": "None", "Value": 1.5e100, "Timestamp": T0,
        }],
    }),
    ("cloudwatch", "PutMetricAlarm", "put_metric_alarm_threshold", {
        "AlarmName": "ADCE-HighFailureRate", "AlarmDescription": "ADCE success rate dropped below 95%",
        "ActionsEnabled": True, "AlarmActions": ["arn:aws:sns:us-east-1:000000000000:nba-simulator-alerts"],
        "MetricName": "ADCESuccessRate", "Namespace": "NBA-Simulator/ADCE", "Statistic": "Average",
        "Period": 300, "EvaluationPeriods": 2, "DatapointsToAlarm": 2, "Threshold": 95.0,
        "ComparisonOperator": "LessThanThreshold", "TreatMissingData": "missing", "Unit": "Percent",
    }),
    ("cloudwatch", "PutMetricAlarm", "put_metric_alarm_metric_math", {
        "AlarmName": "S3-UploadFailureRatio", "ComparisonOperator": "GreaterThanThreshold", "EvaluationPeriods": 2,
        "Threshold": 5.0, "TreatMissingData": "notBreaching",
        "Metrics": [
            {"Id": "failures", "ReturnData": False, "MetricStat": {"Metric": {"Namespace": "NBA-Simulator/DataCollection", "MetricName": "S3UploadFailures"}, "Period": 300, "Stat": "Sum"}},
            {"Id": "e1", "Expression": "failures * 1", "Label": "Failures", "ReturnData": True},
        ],
    }),
    ("cloudwatch", "PutMetricAlarm", "put_metric_alarm_anomaly_band", {
        "AlarmName": "ADCE-QueueDepthAnomaly", "ComparisonOperator": "GreaterThanUpperThreshold", "EvaluationPeriods": 3,
        "DatapointsToAlarm": 3, "ThresholdMetricId": "ad1", "TreatMissingData": "ignore",
        "AlarmActions": ["arn:aws:sns:us-east-1:000000000000:nba-simulator-alerts"],
        "Metrics": [
            {"Id": "m1", "ReturnData": True, "MetricStat": {"Metric": {"Namespace": "NBA-Simulator/ADCE", "MetricName": "ADCEQueueDepth", "Dimensions": [{"Name": "Orchestrator", "Value": "adce"}]}, "Period": 300, "Stat": "Average"}},
            {"Id": "ad1", "Expression": "ANOMALY_DETECTION_BAND(m1, 2)", "Label": "QueueDepth (expected)", "ReturnData": True},
        ],
    }),
    ("cloudwatch", "PutDashboard", "put_dashboard", {
        "DashboardName": "NBA-Simulator-DataCollection",
        "DashboardBody": json.dumps({"widgets": [{"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6, "properties": {"metrics": [["NBA-Simulator/DataCollection", "S3ObjectCount"], [".", "S3TotalSizeGB"]], "period": 3600, "stat": "Average", "region": "us-east-1", "title": "S3 Bucket Growth"}}]}, separators=(",", ":")),
    }),
    ("cloudwatch", "PutAnomalyDetector", "put_anomaly_detector", {
        "SingleMetricAnomalyDetector": {
            "Namespace": "NBA-Simulator/Performance", "MetricName": "S3UploadDuration",
            "Dimensions": [{"Name": "Status", "Value": "success"}], "Stat": "p95",
        },
        "Configuration": {"ExcludedTimeRanges": [{"StartTime": T0, "EndTime": T0 + datetime.timedelta(hours=2)}], "MetricTimezone": "UTC"},
    }),
    ("cloudwatch", "GetMetricStatistics", "get_metric_statistics", {
        "Namespace": "NBA-Simulator/ADCE", "MetricName": "ADCETasksCompleted", "StartTime": T0,
        "EndTime": T0 + datetime.timedelta(hours=1), "Period": 60, "Statistics": ["SampleCount", "Sum", "Minimum", "Maximum"],
        "ExtendedStatistics": ["p99"], "Dimensions": [{"Name": "Status", "Value": "success"}], "Unit": "Count",
    }),
    ("cloudwatch", "DescribeAlarms", "describe_alarms", {
        "AlarmNames": ["ADCE-HighFailureRate", "S3-UploadFailures"], "AlarmTypes": ["MetricAlarm"], "MaxRecords": 100,
    }),
    ("cloudwatch", "SetAlarmState", "set_alarm_state", {
        "AlarmName": "S3-UploadFailures", "StateValue": "ALARM", "StateReason": "nbaobs alarms test",
    }),
    ("sns", "CreateTopic", "create_topic", {"Name": "nba-simulator-alerts", "Tags": [{"Key": "project", "Value": "nba-simulator"}]}),
    ("sns", "Subscribe", "subscribe_email", {
        "TopicArn": "arn:aws:sns:us-east-1:000000000000:nba-simulator-alerts", "Protocol": "email",
        "Endpoint": "oncall+nba@example.com", "ReturnSubscriptionArn": True,
    }),
    ("sns", "SetTopicAttributes", "set_topic_attributes_policy", {
        "TopicArn": "arn:aws:sns:us-east-1:000000000000:nba-simulator-alerts", "AttributeName": "Policy",
        "AttributeValue": json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "AllowCloudWatchAlarms", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "SNS:Publish", "Resource": "arn:aws:sns:us-east-1:000000000000:nba-simulator-alerts"}]}, separators=(",", ":")),
    }),
    ("ce", "GetCostAndUsage", "get_cost_and_usage", {
        "TimePeriod": {"Start": "2026-11-01", "End": "2026-11-28"}, "Granularity": "MONTHLY",
        "Metrics": ["UnblendedCost"], "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}], "NextPageToken": "page-2",
    }),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    session = botocore.session.get_session()
    for service, operation, name, params in VECTORS:
        model = session.get_service_model(service)
        op = model.operation_model(operation)
        # CloudWatch's model now prefers RPC v2 CBOR; we speak awsQuery, which its model still lists.
        protocol = {"cloudwatch": "query", "sns": "query", "ce": "json"}[service]
        assert protocol in model.metadata.get("protocols", [model.protocol]), (service, model.metadata.get("protocols"))
        serializer = botocore.serialize.create_serializer(protocol, include_validation=True)
        request = serializer.serialize_to_request(params, op)
        vector = {
            "service": service,
            "operation": operation,
            "protocol": protocol,
            "botocore": botocore.__version__,
            "input": params,
            "headers": {k: v for k, v in request["headers"].items() if k.lower() in ("x-amz-target", "content-type")},
        }
        body = request["body"]
        if protocol == "query":
            text = body if isinstance(body, str) else urllib.parse.urlencode(body)
            vector["form"] = dict(urllib.parse.parse_qsl(text, keep_blank_values=True))
        else:
            vector["json"] = json.loads(body.decode("utf-8") if isinstance(body, bytes) else body)
        with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(vector, f, indent=2, sort_keys=True, default=lambda o: o.isoformat().replace("+00:00", "Z"))
            f.write("\n")
        print(f"{name}: {service}.{operation} ({protocol})")


if __name__ == "__main__":
    main()
