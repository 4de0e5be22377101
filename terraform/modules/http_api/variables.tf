variable "name" {
  description = "Name of the HTTP API; also names its access log group."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$", var.name))
    error_message = "name is 1-48 letters, digits, \"-\" or \"_\"."
  }
}

variable "description" {
  description = "Description of the API."
  type        = string
  default     = ""
}

variable "routes" {
  description = "Route key (\"METHOD /path/{param}\") -> the Lambda function serving it. Each route requires SigV4 (AWS_IAM) and gets a payload 2.0 proxy integration to the function's alias (qualifier); each function gets one invoke permission."
  type = map(object({
    function_name = string
    qualifier     = string
    invoke_arn    = string
  }))

  validation {
    condition     = length(var.routes) > 0
    error_message = "routes needs at least one route: an HTTP API without routes answers nothing."
  }

  validation {
    condition = alltrue([
      for key in keys(var.routes) :
      can(regex("^(ANY|DELETE|GET|HEAD|OPTIONS|PATCH|POST|PUT) /([A-Za-z0-9._~-]+|\\{[A-Za-z0-9_]+\\+?\\})?(/([A-Za-z0-9._~-]+|\\{[A-Za-z0-9_]+\\+?\\}))*$", key))
    ])
    error_message = "Route keys are \"METHOD /path\": an HTTP method (or ANY), one space, and a path of literal segments and {parameters}, like \"POST /rooms/{room}/messages\"."
  }
}

variable "integration_timeout_milliseconds" {
  description = "How long API Gateway waits for a function before answering 503, in milliseconds (HTTP APIs wait 30 s at most)."
  type        = number
  default     = 30000

  validation {
    condition     = var.integration_timeout_milliseconds >= 50 && var.integration_timeout_milliseconds <= 30000 && floor(var.integration_timeout_milliseconds) == var.integration_timeout_milliseconds
    error_message = "integration_timeout_milliseconds is a whole number from 50 to 30000."
  }
}

variable "throttling_rate_limit" {
  description = "Default steady-state limit of every route of the stage, in requests per second."
  type        = number
  default     = 50

  validation {
    condition     = var.throttling_rate_limit > 0
    error_message = "throttling_rate_limit must be positive."
  }
}

variable "throttling_burst_limit" {
  description = "Default burst limit of every route of the stage, in requests."
  type        = number
  default     = 100

  validation {
    condition     = var.throttling_burst_limit >= 0 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "throttling_burst_limit is a whole number, 0 or more."
  }
}

variable "detailed_metrics_enabled" {
  description = "Publish CloudWatch metrics per route (charged as custom metrics)."
  type        = bool
  default     = false
}

variable "log_retention_days" {
  description = "Days CloudWatch Logs keeps the access logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs offers (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "tags" {
  description = "Tags for the API, its stage and its log group, on top of the provider's default tags."
  type        = map(string)
  default     = {}
}
