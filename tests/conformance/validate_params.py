#!/usr/bin/env python3
"""Validates request parameters against botocore's model (test oracle): the same check boto3 runs before sending.

stdin: {"service": "cloudwatch", "operation": "PutMetricAlarm", "requests": [{...params...}, ...]}
stdout: one line per request: "ok" or the validation report.
"""
import json
import sys

import botocore.session
from botocore.exceptions import ParamValidationError
from botocore.validate import validate_parameters

spec = json.load(sys.stdin)
model = botocore.session.get_session().get_service_model(spec["service"])
shape = model.operation_model(spec["operation"]).input_shape
for params in spec["requests"]:
    try:
        validate_parameters(params, shape)
        print("ok")
    except ParamValidationError as error:
        print(str(error).replace("\n", " | "))
