#!/usr/bin/env python3
"""Generates golden request vectors with botocore's own serializers (the reference implementation).

Each request vector holds the operation's input (as botocore takes it) and what botocore puts on the wire for one
protocol: the awsQuery form parameters (CloudWatch, SNS) or the JSON body (CloudWatch JSON 1.0, Cost Explorer JSON
1.1) with the paths of integer members, plus the headers that select the operation. Error vectors hold a response and
what botocore's parser reads from it; SigV4 vectors a fixed request and botocore's Authorization header. The C#
conformance tests build the same input with our types and compare what our code puts on the wire.

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
    # A PromQL alarm (OTel path): EvaluationCriteria and EvaluationInterval, no metric, no threshold member (in botocore 1.43's model).
    ("cloudwatch", "PutMetricAlarm", "put_metric_alarm_promql", {
        "AlarmName": "S3-UploadFailures-PromQL", "AlarmDescription": "More than 5 S3 upload failures in 10 minutes",
        "ActionsEnabled": True, "AlarmActions": ["arn:aws:sns:us-east-1:000000000000:nba-simulator-alerts"],
        "EvaluationCriteria": {"PromQLCriteria": {
            "Query": 'sum(increase({"S3UploadFailures", "@instrumentation.@name"="NBA-Simulator/DataCollection"}[5m])) > 5',
            "PendingPeriod": 300, "RecoveryPeriod": 300}},
        "EvaluationInterval": 60,
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
    ("cloudwatch", "GetMetricData", "get_metric_data", {
        "MetricDataQueries": [
            {"Id": "p95", "MetricStat": {"Metric": {"Namespace": "NBA-Simulator/Performance", "MetricName": "S3UploadDuration", "Dimensions": [{"Name": "Status", "Value": "success"}]}, "Period": 60, "Stat": "p95"}, "ReturnData": True},
            {"Id": "rate", "Expression": "p95 * 1000", "Label": "ms", "ReturnData": True, "Period": 60},
        ],
        "StartTime": T0, "EndTime": T0 + datetime.timedelta(hours=3), "ScanBy": "TimestampAscending", "MaxDatapoints": 1000, "NextToken": "page-2",
    }),
    ("cloudwatch", "ListMetrics", "list_metrics", {"Namespace": "NBA-Simulator/ADCE", "MetricName": "ADCETasksCompleted", "NextToken": "page-2"}),
    ("cloudwatch", "DeleteAlarms", "delete_alarms", {"AlarmNames": ["ADCE-HighFailureRate", "S3-UploadFailures"]}),
    ("cloudwatch", "DeleteAlarms", "delete_alarms_empty_list", {"AlarmNames": []}),
    ("cloudwatch", "DescribeAnomalyDetectors", "describe_anomaly_detectors", {
        "Namespace": "NBA-Simulator/ADCE", "MetricName": "ADCEQueueDepth", "MaxResults": 100, "NextToken": "page-2",
    }),
    ("ce", "GetCostForecast", "get_cost_forecast", {
        "TimePeriod": {"Start": "2026-11-30", "End": "2026-12-01"}, "Metric": "UNBLENDED_COST", "Granularity": "MONTHLY",
    }),
    ("ce", "GetCostAndUsage", "get_cost_and_usage", {
        "TimePeriod": {"Start": "2026-11-01", "End": "2026-11-28"}, "Granularity": "MONTHLY",
        "Metrics": ["UnblendedCost"], "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}], "NextPageToken": "page-2",
    }),
]


# CloudWatch's model lists smithy-rpc-v2-cbor, json and query; we speak json (default) and query.
PROTOCOLS = {"cloudwatch": ["query", "json"], "sns": ["query"], "ce": ["json"]}

# Error responses as each protocol carries them; botocore's own parsers say what they mean.
ERRORS = [
    ("query", "error_query_validation", 400, {}, (
        '<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type>'
        '<Code>InvalidParameterValue</Code><Message>The value 1e400 for parameter MetricData.member.1.Value is invalid.</Message>'
        '</Error><RequestId>3f1c9c2e-0000-4000-8000-000000000001</RequestId></ErrorResponse>')),
    ("query", "error_query_throttling", 400, {}, (
        '<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type>'
        '<Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>3f1c9c2e-0000-4000-8000-000000000002</RequestId></ErrorResponse>')),
    ("json", "error_json_query_compatible", 400,
        {"x-amzn-query-error": "InvalidParameterValue;Sender", "x-amzn-RequestId": "3f1c9c2e-0000-4000-8000-000000000003"},
        '{"__type":"com.amazonaws.cloudwatch#InvalidParameterValueException","message":"The value 1e400 for parameter MetricData.member.1.Value is invalid."}'),
    ("json", "error_json_type_only", 400, {"x-amzn-RequestId": "3f1c9c2e-0000-4000-8000-000000000004"},
        '{"__type":"com.amazonaws.cloudwatch#LimitExceededException","Message":"The maximum number of alarms has been reached."}'),
    ("json", "error_json_type_with_uri", 400, {"x-amzn-RequestId": "3f1c9c2e-0000-4000-8000-000000000005"},
        '{"__type":"ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/","message":"Rate exceeded"}'),
]

# SigV4: fixed credentials, time and body. The .NET SDK always signs X-Amz-Content-SHA256 (botocore's S3 signer does,
# its generic one does not), so the header goes into botocore's request too: then both sign the same canonical request.
SIGV4_CREDENTIALS = ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
SIGV4_TIME = datetime.datetime(2026, 11, 28, 12, 0, 0)


def sign(body, headers, url):
    import hashlib
    from unittest import mock
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    headers = dict(headers)
    headers["X-Amz-Content-SHA256"] = hashlib.sha256(body).hexdigest()
    request = AWSRequest(method="POST", url=url, data=body, headers=headers)
    with mock.patch("botocore.auth.get_current_datetime", return_value=SIGV4_TIME):
        SigV4Auth(Credentials(*SIGV4_CREDENTIALS), "monitoring", "us-east-1").add_auth(request)
    return request.headers["Authorization"]


def integer_paths(shape, value, path=""):
    """JSON paths of members whose model type is integer or long: they must be integer tokens on the wire."""
    if shape.type_name in ("integer", "long"):
        yield path
    elif shape.type_name == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                yield from integer_paths(member, value[name], f"{path}/{name}")
    elif shape.type_name == "list" and isinstance(value, list):
        for i, item in enumerate(value):
            yield from integer_paths(shape.member, item, f"{path}/{i}")


def write(name, vector):
    with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(vector, f, indent=2, sort_keys=True, default=lambda o: o.isoformat().replace("+00:00", "Z"))
        f.write("\n")


def main():
    import base64
    import gzip
    import botocore.parsers
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        os.remove(os.path.join(OUT, old))
    session = botocore.session.get_session()
    for service, operation, name, params in VECTORS:
        model = session.get_service_model(service)
        op = model.operation_model(operation)
        for protocol in PROTOCOLS[service]:
            assert protocol in model.metadata.get("protocols", [model.protocol]), (service, model.metadata.get("protocols"))
            serializer = botocore.serialize.create_serializer(protocol, include_validation=True)
            request = serializer.serialize_to_request(params, op)
            vector = {
                "service": service,
                "operation": operation,
                "protocol": protocol,
                "botocore": botocore.__version__,
                "input": params,
                "headers": {k: v for k, v in request["headers"].items() if k.lower() in ("x-amz-target", "content-type", "x-amzn-query-mode")},
            }
            body = request["body"]
            if protocol == "query":
                text = body if isinstance(body, str) else urllib.parse.urlencode(body)
                vector["form"] = dict(urllib.parse.parse_qsl(text, keep_blank_values=True))
            else:
                vector["json"] = json.loads(body.decode("utf-8") if isinstance(body, bytes) else body)
                vector["integer_paths"] = sorted(integer_paths(op.input_shape, params))
            write(f"{name}.{protocol}", vector)
            print(f"{name}: {service}.{operation} ({protocol})")

    model = session.get_service_model("cloudwatch")
    for protocol, name, status, headers, body in ERRORS:
        parser = botocore.parsers.create_parser(protocol)
        parsed = parser.parse({"status_code": status, "headers": {k.lower(): v for k, v in headers.items()}, "body": body.encode("utf-8")}, None)
        write(name, {
            "kind": "error", "protocol": protocol, "botocore": botocore.__version__, "status": status, "headers": headers, "body": body,
            "code": parsed["Error"].get("Code"), "message": parsed["Error"].get("Message"), "type": parsed["Error"].get("Type"),
            "request_id": parsed.get("ResponseMetadata", {}).get("RequestId"),
        })
        print(f"{name}: {parsed['Error']}")

    # One PutMetricData body as botocore writes it (JSON 1.0), plain and gzipped (mtime 0, so the bytes are fixed).
    op = model.operation_model("PutMetricData")
    request = botocore.serialize.create_serializer("json").serialize_to_request(VECTORS[1][3], op)
    plain = request["body"]
    for compressed in (False, True):
        payload = gzip.compress(plain, mtime=0) if compressed else plain
        headers = {k: v for k, v in request["headers"].items() if k.lower() in ("x-amz-target", "content-type", "x-amzn-query-mode")}
        if compressed:
            headers["Content-Encoding"] = "gzip"
        url = "http://127.0.0.1:5999/"
        write("sigv4_put_metric_data" + ("_gzip" if compressed else ""), {
            "kind": "sigv4", "botocore": botocore.__version__, "access_key": SIGV4_CREDENTIALS[0], "secret_key": SIGV4_CREDENTIALS[1],
            "time": SIGV4_TIME.strftime("%Y-%m-%dT%H:%M:%SZ"), "region": "us-east-1", "service": "monitoring", "url": url,
            "headers": headers, "body_base64": base64.b64encode(payload).decode("ascii"),
            "authorization": sign(payload, headers, url),
        })
        print("sigv4", "gzip" if compressed else "plain")


if __name__ == "__main__":
    main()
