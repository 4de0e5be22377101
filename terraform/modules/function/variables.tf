variable "function_name" {
  description = "Name of the Lambda function; also names its log group, and its IAM role (<name>-<region>)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "A function name is 1-64 letters, digits, \"-\" or \"_\"."
  }
}

variable "description" {
  description = "What the function does, shown in the Lambda console."
  type        = string
  default     = ""
}

variable "package_file" {
  description = "Path of the deployment package built by `make build` (dist/<function>.zip). Terraform only uploads it."
  type        = string

  validation {
    condition     = endswith(var.package_file, ".zip") && fileexists(var.package_file)
    error_message = "The deployment package must be an existing .zip file: run `make build` first."
  }
}

variable "alias_name" {
  description = "Name of the alias every caller invokes (API Gateway, event source mappings), moved to each new version on apply."
  type        = string
  default     = "live"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_-]{0,127}$", var.alias_name))
    error_message = "alias_name is a letter, then up to 127 letters, digits, \"-\" or \"_\" (not a version number)."
  }
}

variable "handler" {
  description = "Module and export Lambda calls; the bundles hold index.mjs exporting `handler`."
  type        = string
  default     = "index.handler"
}

variable "runtime" {
  description = "Lambda runtime."
  type        = string
  default     = "nodejs22.x"

  validation {
    condition     = can(regex("^nodejs[0-9]+\\.x$", var.runtime))
    error_message = "The bundles are ESM for Node.js: use a nodejsNN.x runtime (nodejs22.x or later)."
  }
}

variable "architecture" {
  description = "Instruction set of the function."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture is \"arm64\" or \"x86_64\"."
  }
}

variable "memory_mb" {
  description = "Memory in MB; CPU and network bandwidth grow with it."
  type        = number
  default     = 512

  validation {
    condition     = var.memory_mb >= 128 && var.memory_mb <= 10240 && floor(var.memory_mb) == var.memory_mb
    error_message = "memory_mb is a whole number from 128 to 10240."
  }
}

variable "timeout_seconds" {
  description = "Longest run of one invocation in seconds."
  type        = number
  default     = 29

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 900 && floor(var.timeout_seconds) == var.timeout_seconds
    error_message = "timeout_seconds is a whole number from 1 to 900."
  }
}

variable "environment" {
  description = "Environment variables of the function."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for key in keys(var.environment) : can(regex("^[A-Za-z][A-Za-z0-9_]*$", key)) && !startswith(key, "AWS_")])
    error_message = "Environment variable names are letters, digits and \"_\"; AWS_* names are reserved by Lambda."
  }
}

variable "log_level" {
  description = "Application log level: Lambda's log filter and Powertools use the same value."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN", "ERROR"], var.log_level)
    error_message = "log_level is DEBUG, INFO, WARN or ERROR."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch Logs keeps the function's logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs offers (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "dynamodb_actions" {
  description = "DynamoDB actions the function uses, without the \"dynamodb:\" prefix. Transactions need no action of their own: each item in one is authorized by its item action (PutItem, DeleteItem, ...)."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue([for action in var.dynamodb_actions : contains([
      "BatchGetItem", "BatchWriteItem", "ConditionCheckItem", "DeleteItem", "GetItem", "PutItem", "Query", "Scan", "UpdateItem",
    ], action)])
    error_message = "dynamodb_actions lists data-plane item actions by name (GetItem, Query, ...); no wildcards."
  }
}

variable "dynamodb_table_arn" {
  description = "ARN of the table the DynamoDB actions apply to (and, for Query and Scan, its indexes)."
  type        = string
  default     = null

  validation {
    condition     = length(var.dynamodb_actions) == 0 || var.dynamodb_table_arn != null
    error_message = "dynamodb_table_arn is required when dynamodb_actions is not empty."
  }
}

variable "manage_connections_arns" {
  description = "execute-api resources the function may call through the @connections API (POST to send, DELETE to close), scoped to one stage. Empty for functions that never reply."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.manage_connections_arns : can(regex("^arn:aws[a-z-]*:execute-api:[a-z0-9-]+:[0-9]{12}:[a-z0-9]+/[^/*]+/(POST|DELETE|GET)/@connections/\\*$", arn))])
    error_message = "Each entry is arn:...:execute-api:<region>:<account>:<api-id>/<stage>/<METHOD>/@connections/* for one API and stage."
  }
}

variable "sqs_actions" {
  description = "SQS actions the function uses on the queue sqs_queue_arn names, without the \"sqs:\" prefix. Batch calls need no action of their own: SendMessageBatch is authorized by SendMessage."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition = alltrue([for action in var.sqs_actions : contains([
      "ChangeMessageVisibility", "DeleteMessage", "GetQueueAttributes", "GetQueueUrl", "ReceiveMessage", "SendMessage",
    ], action)])
    error_message = "sqs_actions lists SQS message actions by name (SendMessage, ...); no wildcards."
  }
}

variable "sqs_queue_arn" {
  description = "ARN of the queue the SQS actions apply to."
  type        = string
  default     = null

  validation {
    condition     = length(var.sqs_actions) == 0 || var.sqs_queue_arn != null
    error_message = "sqs_queue_arn is required when sqs_actions is not empty."
  }
}

variable "event_source_queues" {
  description = "Queues that invoke the function, by name, each through an event source mapping: the queue's ARN and visibility timeout, records per invocation and most invocations at once. The role may receive, delete and read the attributes of their messages."
  type = map(object({
    arn                        = string
    visibility_timeout_seconds = number
    batch_size                 = number
    maximum_concurrency        = number
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for queue in values(var.event_source_queues) : queue.batch_size >= 1 && queue.batch_size <= 10 && floor(queue.batch_size) == queue.batch_size])
    error_message = "batch_size is a whole number from 1 to 10: larger batches need a batching window, which would hold jobs back."
  }

  validation {
    condition     = alltrue([for queue in values(var.event_source_queues) : queue.maximum_concurrency >= 2 && queue.maximum_concurrency <= 1000 && floor(queue.maximum_concurrency) == queue.maximum_concurrency])
    error_message = "maximum_concurrency is a whole number from 2 to 1000 (what an SQS event source mapping accepts)."
  }
}

variable "queue_kms_key_arn" {
  description = "Customer managed KMS key of the queues the function sends to or consumes, or null when they use SQS-managed encryption."
  type        = string
  default     = null

  validation {
    condition     = var.queue_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.queue_kms_key_arn))
    error_message = "queue_kms_key_arn must be a KMS key ARN."
  }
}

variable "table_kms_key_arn" {
  description = "Customer managed KMS key of the table, or null for the AWS managed key. A function with DynamoDB actions may then use that key as DynamoDB does on its behalf."
  type        = string
  default     = null

  validation {
    condition     = var.table_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.table_kms_key_arn))
    error_message = "table_kms_key_arn must be a KMS key ARN."
  }
}

variable "tags" {
  description = "Tags for the function, its role, its log group and its event source mappings, on top of the provider's default tags."
  type        = map(string)
  default     = {}
}
