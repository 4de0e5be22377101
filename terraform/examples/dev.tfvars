# A personal or shared development stack. Anonymous access: anyone with the URL can connect and pick a
# display name, so keep dev stacks short-lived and switch to auth_mode = "jwt" for anything shared widely.

environment = "dev"
region      = "eu-west-1"

auth_mode = "anonymous"

log_level          = "DEBUG"
log_retention_days = 7

# X-Ray subsegments for every DynamoDB and @connections call; worth its cold-start cost while developing.
sdk_tracing = true

throttling_rate_limit  = 50
throttling_burst_limit = 25

# The backend HTTP API (npx roomcast, servers publishing into rooms): SigV4-signed callers only.
backend_api_throttling_rate_limit  = 10
backend_api_throttling_burst_limit = 20

# Off by default for "dev": `make destroy` removes the table and its messages.
# deletion_protection = true

# API Gateway's logging role is one per account and region. Only when
# `aws apigateway get-account --query cloudwatchRoleArn` prints None, in one stack of the region:
# manage_api_gateway_account = true
