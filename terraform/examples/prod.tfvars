# A production stack: tokens from a Cognito user pool are checked on $connect, and the table is
# protected from deletion. Replace the pool and app client ids with your own.

environment = "prod"
region      = "eu-west-1"
# allowed_account_ids = ["123456789012"]

auth_mode            = "jwt"
cognito_user_pool_id = "eu-west-1_EXAMPLE11"
cognito_client_ids   = ["1example23456789abcdefghij"]

# Any other OIDC issuer instead of Cognito:
# jwt_issuer   = "https://login.example.com/"
# jwt_audience = ["roomcast"]

log_level                = "INFO"
log_retention_days       = 90
execution_logging_level  = "ERROR"
detailed_metrics_enabled = true

throttling_rate_limit  = 500
throttling_burst_limit = 1000

# The backend HTTP API, shared by every backend allowed to call it (see backend_api_invoke_policy).
backend_api_throttling_rate_limit  = 200
backend_api_throttling_burst_limit = 400

function_memory_mb  = 1024
fan_out_concurrency = 64

# deletion_protection defaults to true outside "dev".
