################################################################################
# Stack
################################################################################

variable "name" {
  description = "Application name: prefixes every resource name (<name>-<environment>-...) and names the Powertools service and metrics namespace."
  type        = string
  default     = "roomcast"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}$", var.name))
    error_message = "name is 2-20 lowercase letters, digits or \"-\", starting with a letter."
  }
}

variable "environment" {
  description = "Environment of this stack (dev, staging, prod, ...). \"dev\" turns table deletion protection off by default."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment is 2-10 lowercase letters or digits, starting with a letter."
  }
}

variable "region" {
  description = "AWS region of the stack, or null to take it from AWS_REGION or the AWS profile."
  type        = string
  default     = null

  validation {
    condition     = var.region == null || can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region is an AWS region code like eu-west-1."
  }
}

variable "allowed_account_ids" {
  description = "AWS accounts this stack may be applied to, or null for any. Guards against deploying with the wrong credentials."
  type        = list(string)
  default     = null

  validation {
    condition     = var.allowed_account_ids == null || alltrue([for id in coalesce(var.allowed_account_ids, []) : can(regex("^[0-9]{12}$", id))])
    error_message = "allowed_account_ids lists 12-digit account ids."
  }
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}

################################################################################
# Sources of truth and build output
################################################################################

variable "route_table_file" {
  description = "The route table (route key -> function, and each function's permissions). null: src/handlers/route-table.json of this repository."
  type        = string
  default     = null
}

variable "table_definition_file" {
  description = "The table's key schema, indexes and TTL attribute. null: src/adapters/dynamodb/table-definition.json of this repository."
  type        = string
  default     = null
}

variable "artifacts_dir" {
  description = "Directory holding <function>.zip for every function, as written by `make build`. null: dist/ of this repository."
  type        = string
  default     = null
}

################################################################################
# Identity
################################################################################

variable "auth_mode" {
  description = "\"jwt\": a Lambda REQUEST authorizer checks ?token= on $connect (set either the Cognito or the OIDC issuer settings). \"anonymous\": no authorizer at all, for demos; users pick a display name with ?name=."
  type        = string
  default     = "jwt"

  validation {
    condition     = contains(["jwt", "anonymous"], var.auth_mode)
    error_message = "auth_mode is \"jwt\" or \"anonymous\"."
  }

  validation {
    condition = var.auth_mode != "jwt" || (
      (var.cognito_user_pool_id != null && length(var.cognito_client_ids) > 0) !=
      (var.jwt_issuer != null && length(var.jwt_audience) > 0)
    )
    error_message = "auth_mode = \"jwt\" needs exactly one token issuer: cognito_user_pool_id with cognito_client_ids, or jwt_issuer with jwt_audience."
  }

  validation {
    condition = var.auth_mode != "anonymous" || (
      var.cognito_user_pool_id == null && length(var.cognito_client_ids) == 0 &&
      var.jwt_issuer == null && length(var.jwt_audience) == 0 && var.jwks_uri == null
    )
    error_message = "auth_mode = \"anonymous\" deploys no authorizer: remove the Cognito and JWT settings, or use auth_mode = \"jwt\"."
  }
}

variable "cognito_user_pool_id" {
  description = "Cognito user pool whose ID or access tokens are accepted (with cognito_client_ids)."
  type        = string
  default     = null

  validation {
    condition     = var.cognito_user_pool_id == null || can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]_[0-9A-Za-z]+$", var.cognito_user_pool_id))
    error_message = "cognito_user_pool_id looks like eu-west-1_AbCdEf123."
  }
}

variable "cognito_client_ids" {
  description = "App client ids of the Cognito user pool whose tokens are accepted."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "jwt_issuer" {
  description = "Issuer (iss) of accepted tokens for any OIDC provider (with jwt_audience)."
  type        = string
  default     = null

  validation {
    condition     = var.jwt_issuer == null || startswith(coalesce(var.jwt_issuer, "-"), "https://")
    error_message = "jwt_issuer is an https:// URL."
  }
}

variable "jwt_audience" {
  description = "Accepted audiences (aud) of OIDC tokens."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "jwks_uri" {
  description = "Where the issuer publishes its signing keys; null: <jwt_issuer>/.well-known/jwks.json."
  type        = string
  default     = null

  validation {
    condition     = var.jwks_uri == null || startswith(coalesce(var.jwks_uri, "-"), "https://")
    error_message = "jwks_uri is an https:// URL."
  }
}

################################################################################
# Chat behaviour (function environment)
################################################################################

variable "lobby_room" {
  description = "Room every new connection joins; \"\" for none."
  type        = string
  default     = "lobby"
  nullable    = false

  validation {
    condition     = var.lobby_room == "" || can(regex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", var.lobby_room))
    error_message = "lobby_room is empty or a room name: a letter or digit, then up to 63 letters, digits, \"_\", \".\" or \"-\"."
  }
}

variable "fan_out_concurrency" {
  description = "Deliveries in flight at once during one fan-out (also sizes each function's HTTP socket pool)."
  type        = number
  default     = 32

  validation {
    condition     = var.fan_out_concurrency >= 1 && var.fan_out_concurrency <= 1000 && floor(var.fan_out_concurrency) == var.fan_out_concurrency
    error_message = "fan_out_concurrency is a whole number from 1 to 1000."
  }
}

variable "message_retention_days" {
  description = "Days messages are kept before DynamoDB expires them."
  type        = number
  default     = 7

  validation {
    condition     = var.message_retention_days >= 1 && floor(var.message_retention_days) == var.message_retention_days
    error_message = "message_retention_days is a whole number of days, 1 or more."
  }
}

variable "fan_out_inline_max" {
  description = "Rooms (and services, for broadcasts) of at most this many connections are fanned out by the function that got the message; larger ones by the fanout worker, one job per shard."
  type        = number
  default     = 2000

  validation {
    condition     = var.fan_out_inline_max >= 1 && floor(var.fan_out_inline_max) == var.fan_out_inline_max
    error_message = "fan_out_inline_max is a whole number, 1 or more."
  }
}

variable "fan_out_deliveries_per_job" {
  description = "Recipients one fanout worker job serves before the rest of its shard goes to a follow-up job."
  type        = number
  default     = 2000

  validation {
    condition     = var.fan_out_deliveries_per_job >= 1 && floor(var.fan_out_deliveries_per_job) == var.fan_out_deliveries_per_job
    error_message = "fan_out_deliveries_per_job is a whole number, 1 or more."
  }
}

variable "members_per_bucket" {
  description = "A room's members are spread over twice as many partition keys once each would hold more than this. Change it only on a new table: every function must agree on it."
  type        = number
  default     = 1000

  validation {
    condition     = var.members_per_bucket >= 1 && floor(var.members_per_bucket) == var.members_per_bucket
    error_message = "members_per_bucket is a whole number, 1 or more."
  }
}

variable "room_shape_cache_ms" {
  description = "How long a warm function reuses a room's bucket count and size before reading them again, in milliseconds."
  type        = number
  default     = 5000

  validation {
    condition     = var.room_shape_cache_ms >= 0 && floor(var.room_shape_cache_ms) == var.room_shape_cache_ms
    error_message = "room_shape_cache_ms is a whole number of milliseconds, 0 or more."
  }
}

variable "extra_environment" {
  description = "More environment variables for the chat functions (for example MEMBERS_PAGE_SIZE, MAX_TEXT_CHARS, HISTORY_LIMIT_MAX, HISTORY_LIMIT_DEFAULT; see docs/operations.md)."
  type        = map(string)
  default     = {}

  validation {
    condition = length(setintersection(keys(var.extra_environment), [
      "TABLE_NAME", "AUTH_MODE", "LOBBY_ROOM", "FAN_OUT_CONCURRENCY", "MESSAGE_RETENTION_DAYS", "NODE_OPTIONS",
      "FAN_OUT_QUEUE_URL", "FAN_OUT_INLINE_MAX", "FAN_OUT_DELIVERIES_PER_JOB", "MEMBERS_PER_BUCKET", "ROOM_SHAPE_CACHE_MS",
      "MANAGEMENT_ENDPOINT", "POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL", "POWERTOOLS_METRICS_NAMESPACE", "SDK_TRACING",
    ])) == 0
    error_message = "extra_environment must not set variables this module manages; use their own variables (lobby_room, log_level, ...)."
  }

  # The functions refuse to start with a default page above the maximum (ConfigError): refuse it at plan.
  validation {
    condition = !contains(keys(var.extra_environment), "HISTORY_LIMIT_DEFAULT") || try(
      tonumber(var.extra_environment["HISTORY_LIMIT_DEFAULT"]) <= tonumber(lookup(var.extra_environment, "HISTORY_LIMIT_MAX", "100")),
      false,
    )
    error_message = "extra_environment: HISTORY_LIMIT_DEFAULT must be a number no greater than HISTORY_LIMIT_MAX (100 when unset)."
  }
}

################################################################################
# Functions
################################################################################

variable "log_level" {
  description = "Log level of every function (Powertools and Lambda's log filter)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN", "ERROR"], var.log_level)
    error_message = "log_level is DEBUG, INFO, WARN or ERROR."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch Logs keeps function, access (both APIs) and execution logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs offers (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "sdk_tracing" {
  description = "X-Ray subsegments for every DynamoDB and @connections call, from the Powertools Tracer (SDK_TRACING). Off by default: loading the Tracer costs about a tenth of each cold start and some CPU on every call. Lambda's Active tracing records every invocation either way."
  type        = bool
  default     = false
  nullable    = false
}

variable "function_memory_mb" {
  description = "Memory of the chat functions in MB: more memory also means more CPU and network for fan-out."
  type        = number
  default     = 512

  validation {
    condition     = var.function_memory_mb >= 128 && var.function_memory_mb <= 10240
    error_message = "function_memory_mb is from 128 to 10240."
  }
}

variable "function_timeout_seconds" {
  description = "Timeout of the chat functions. API Gateway stops waiting after 29 s; a fan-out goes on until this timeout."
  type        = number
  default     = 29

  validation {
    condition     = var.function_timeout_seconds >= 1 && var.function_timeout_seconds <= 900
    error_message = "function_timeout_seconds is from 1 to 900."
  }
}

variable "fanout_timeout_seconds" {
  description = "Timeout of the fanout worker (every function a queue of the route table feeds). Its queue's visibility timeout is six times it."
  type        = number
  default     = 60

  validation {
    condition     = var.fanout_timeout_seconds >= 1 && var.fanout_timeout_seconds <= 900 && floor(var.fanout_timeout_seconds) == var.fanout_timeout_seconds
    error_message = "fanout_timeout_seconds is a whole number from 1 to 900."
  }
}

variable "authorizer_memory_mb" {
  description = "Memory of the authorizer function in MB."
  type        = number
  default     = 256

  validation {
    condition     = var.authorizer_memory_mb >= 128 && var.authorizer_memory_mb <= 10240
    error_message = "authorizer_memory_mb is from 128 to 10240."
  }
}

variable "authorizer_timeout_seconds" {
  description = "Timeout of the authorizer function (it fetches the issuer's keys on a cold start)."
  type        = number
  default     = 10

  validation {
    condition     = var.authorizer_timeout_seconds >= 1 && var.authorizer_timeout_seconds <= 29
    error_message = "authorizer_timeout_seconds is from 1 to 29: API Gateway waits no longer for an authorizer."
  }
}

################################################################################
# API stages (the WebSocket stage and the backend HTTP API's $default stage)
################################################################################

variable "stage_name" {
  description = "Stage name, the last segment of the wss:// URL; null: the environment name."
  type        = string
  default     = null

  validation {
    condition     = var.stage_name == null || can(regex("^[A-Za-z0-9_-]{1,128}$", coalesce(var.stage_name, "-")))
    error_message = "stage_name is 1-128 letters, digits, \"-\" or \"_\"."
  }
}

variable "throttling_rate_limit" {
  description = "Default steady-state limit of every WebSocket route, in requests per second, for the whole stage."
  type        = number
  default     = 100

  validation {
    condition     = var.throttling_rate_limit > 0
    error_message = "throttling_rate_limit must be positive."
  }
}

variable "throttling_burst_limit" {
  description = "Default burst limit of every WebSocket route, in requests."
  type        = number
  default     = 50

  validation {
    condition     = var.throttling_burst_limit >= 0
    error_message = "throttling_burst_limit must be 0 or more."
  }
}

variable "detailed_metrics_enabled" {
  description = "Per-route CloudWatch metrics for the WebSocket stage and the backend API (charged as custom metrics)."
  type        = bool
  default     = false
}

variable "execution_logging_level" {
  description = "API Gateway execution logs: OFF, ERROR or INFO."
  type        = string
  default     = "ERROR"

  validation {
    condition     = contains(["OFF", "ERROR", "INFO"], var.execution_logging_level)
    error_message = "execution_logging_level is OFF, ERROR or INFO."
  }
}

variable "backend_api_throttling_rate_limit" {
  description = "Default steady-state limit of every route of the backend HTTP API, in requests per second, for all callers together."
  type        = number
  default     = 50

  validation {
    condition     = var.backend_api_throttling_rate_limit > 0
    error_message = "backend_api_throttling_rate_limit must be positive."
  }
}

variable "backend_api_throttling_burst_limit" {
  description = "Default burst limit of every route of the backend HTTP API, in requests."
  type        = number
  default     = 100

  validation {
    condition     = var.backend_api_throttling_burst_limit >= 0 && floor(var.backend_api_throttling_burst_limit) == var.backend_api_throttling_burst_limit
    error_message = "backend_api_throttling_burst_limit is a whole number, 0 or more."
  }
}

variable "manage_api_gateway_account" {
  description = "Create the CloudWatch role API Gateway needs for logging and set it in the region's API Gateway account settings (reset to none when this stack is destroyed). One setting per account and region, shared by every stack there: turn this on only when `aws apigateway get-account` shows no cloudwatchRoleArn, and in one stack only."
  type        = bool
  default     = false
  nullable    = false
}

################################################################################
# Table
################################################################################

variable "deletion_protection" {
  description = "Refuse to delete the table. null: on for every environment but \"dev\"."
  type        = bool
  default     = null
}

variable "table_kms_key_arn" {
  description = "Customer managed KMS key for the table, or null for the AWS managed key. Every function with DynamoDB actions is allowed to use it (kms:Decrypt, Encrypt, GenerateDataKey*, DescribeKey on this key only); the key policy must allow the account's IAM policies to grant it."
  type        = string
  default     = null

  validation {
    condition     = var.table_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", coalesce(var.table_kms_key_arn, "-")))
    error_message = "table_kms_key_arn must be a KMS key ARN."
  }
}

################################################################################
# Fan-out queue
################################################################################

variable "fanout_maximum_concurrency" {
  description = "Most fanout worker invocations the fan-out queue's event source mapping runs at once. null: maximumConcurrency of the queue in the route table."
  type        = number
  default     = null

  validation {
    condition     = var.fanout_maximum_concurrency == null || try(var.fanout_maximum_concurrency >= 2 && var.fanout_maximum_concurrency <= 1000 && floor(var.fanout_maximum_concurrency) == var.fanout_maximum_concurrency, false)
    error_message = "fanout_maximum_concurrency is a whole number from 2 to 1000 (what an SQS event source mapping accepts), or null."
  }
}

variable "queue_kms_key_arn" {
  description = "Customer managed KMS key for the queues and their dead-letter queues, or null for SQS-managed encryption. The functions that send to or read a queue are allowed to use it."
  type        = string
  default     = null

  validation {
    condition     = var.queue_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", coalesce(var.queue_kms_key_arn, "-")))
    error_message = "queue_kms_key_arn must be a KMS key ARN."
  }
}

variable "queue_age_alarm_seconds" {
  description = "Alarm when a queue's oldest job has waited longer than this, in seconds, for three minutes in a row."
  type        = number
  default     = 60

  validation {
    condition     = var.queue_age_alarm_seconds >= 1
    error_message = "queue_age_alarm_seconds must be 1 or more."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic the alarms notify when they go off and when they clear, or null for alarms that only show in CloudWatch."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:", coalesce(var.alarm_topic_arn, "-")))
    error_message = "alarm_topic_arn must be an SNS topic ARN."
  }
}
