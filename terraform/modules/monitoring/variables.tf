variable "name" {
  description = "Prefix of every alarm name and the dashboard's name (<name>-<environment> of the stack)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,200}$", var.name))
    error_message = "name is letters, digits, \"-\" or \"_\"."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the functions' own metrics (POWERTOOLS_METRICS_NAMESPACE)."
  type        = string
}

variable "metrics_service" {
  description = "The `service` dimension Powertools puts on the functions' own metrics (POWERTOOLS_SERVICE_NAME)."
  type        = string
}

variable "function_names" {
  description = "Route-table name -> Lambda function name of every function: each gets an errors and a throttles alarm and a line on the dashboard."
  type        = map(string)

  validation {
    condition     = length(var.function_names) > 0
    error_message = "function_names lists at least one function."
  }
}

variable "websocket_api" {
  description = "The WebSocket API and its stage (the ApiId and Stage dimensions of its metrics)."
  type = object({
    id    = string
    stage = string
  })
}

variable "http_api" {
  description = "The backend HTTP API and its stage ($default)."
  type = object({
    id    = string
    stage = string
  })
}

variable "table_name" {
  description = "Name of the table whose throttled requests are alarmed on."
  type        = string
}

variable "table_operations" {
  description = "DynamoDB operations the functions call: ThrottledRequests is published per operation, and the alarm adds them up. At most 9 (an alarm reads at most 10 metrics, one is the sum)."
  type        = list(string)
  default     = ["DeleteItem", "GetItem", "PutItem", "Query", "TransactWriteItems", "UpdateItem"]

  validation {
    condition     = length(var.table_operations) >= 1 && length(var.table_operations) <= 9
    error_message = "table_operations lists 1 to 9 operations."
  }
}

variable "queues" {
  description = "Queue and dead-letter queue names of each queue of the route table, for the dashboard (their alarms are the queue module's)."
  type = map(object({
    name             = string
    dead_letter_name = string
  }))
  default = {}
}

variable "alarm_topic_arn" {
  description = "SNS topic every alarm notifies when it goes off and when it clears, or null for alarms that only show in CloudWatch."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN."
  }
}

variable "tags" {
  description = "Tags for the alarms, on top of the provider's default tags."
  type        = map(string)
  default     = {}
}
