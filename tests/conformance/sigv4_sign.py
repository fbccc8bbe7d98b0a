#!/usr/bin/env python3
"""Signs one captured request with botocore's SigV4Auth, at the time its X-Amz-Date names (test oracle).

stdin: {"access_key", "secret_key", "token" (optional), "region", "service", "url", "headers": {...}, "body_base64"}
stdout: the Authorization header botocore computes for exactly those headers and bytes.
"""
import base64
import datetime
import json
import sys
from unittest import mock

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

spec = json.load(sys.stdin)
headers = dict(spec["headers"])
amz_date = next(v for k, v in headers.items() if k.lower() == "x-amz-date")
signed_at = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ")
headers = {k: v for k, v in headers.items() if k.lower() != "x-amz-date"}
request = AWSRequest(method="POST", url=spec["url"], data=base64.b64decode(spec["body_base64"]), headers=headers)
with mock.patch("botocore.auth.get_current_datetime", return_value=signed_at):
    SigV4Auth(Credentials(spec["access_key"], spec["secret_key"], spec.get("token")), spec["service"], spec["region"]).add_auth(request)
print(request.headers["Authorization"])
