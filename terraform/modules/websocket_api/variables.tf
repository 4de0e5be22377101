variable "name" {
  description = "Name of the WebSocket API; prefixes its log groups and the API Gateway logging role."
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

variable "route_selection_expression" {
  description = "Where API Gateway finds the route key of an incoming message."
  type        = string
  default     = "$request.body.action"

  validation {
    condition     = startswith(var.route_selection_expression, "$request.body.")
    error_message = "route_selection_expression selects a field of the message body, like $request.body.action."
  }
}

variable "routes" {
  description = "Route key -> the Lambda function serving it: its name, the alias callers invoke (qualifier) and that alias's invoke ARN. Each route gets an AWS_PROXY integration; each function one invoke permission."
  type = map(object({
    function_name = string
    qualifier     = string
    invoke_arn    = string
  }))

  validation {
    condition     = contains(keys(var.routes), "$connect") && contains(keys(var.routes), "$disconnect")
    error_message = "routes must include $connect and $disconnect: connections are recorded and cleaned up there."
  }

  validation {
    condition = alltrue([
      for key in keys(var.routes) :
      startswith(key, "$") ? contains(["$connect", "$disconnect", "$default"], key) : can(regex("^[^\\s]{1,128}$", key))
    ])
    error_message = "Route keys are $connect, $disconnect, $default or an action name without spaces (1-128 characters)."
  }
}

variable "authorizer" {
  description = "Lambda REQUEST authorizer for $connect, or null to accept connections without one (anonymous mode)."
  type = object({
    function_name    = string
    qualifier        = string
    invoke_arn       = string
    identity_sources = list(string)
  })
  default = null

  validation {
    condition = var.authorizer == null || (
      length(try(var.authorizer.identity_sources, [])) > 0 &&
      alltrue([for source in try(var.authorizer.identity_sources, []) : can(regex("^route\\.request\\.(querystring|header)\\.[^\\s]+$", source))])
    )
    error_message = "identity_sources lists route.request.querystring.<name> or route.request.header.<name> entries."
  }
}

variable "stage_name" {
  description = "Name of the stage: the last path segment of the wss:// URL and of the @connections endpoint."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.stage_name))
    error_message = "stage_name is 1-128 letters, digits, \"-\" or \"_\"."
  }
}

variable "throttling_rate_limit" {
  description = "Default steady-state limit for every route of the stage, in requests (messages and connects) per second."
  type        = number
  default     = 100

  validation {
    condition     = var.throttling_rate_limit > 0
    error_message = "throttling_rate_limit must be positive."
  }
}

variable "throttling_burst_limit" {
  description = "Default burst limit for every route of the stage, in requests."
  type        = number
  default     = 50

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

variable "execution_logging_level" {
  description = "API Gateway execution logs: OFF, ERROR or INFO. Their log group is created here so that it has a retention."
  type        = string
  default     = "ERROR"

  validation {
    condition     = contains(["OFF", "ERROR", "INFO"], var.execution_logging_level)
    error_message = "execution_logging_level is OFF, ERROR or INFO."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch Logs keeps the access and execution logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs offers (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "manage_account_logging_role" {
  description = "Create the role API Gateway needs to write logs and register it in the region's API Gateway account settings (reset when destroyed). That setting is one per account and region: turn this on in at most one stack there, and only when the region has no logging role yet."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for the API, its stage, log groups and role, on top of the provider's default tags."
  type        = map(string)
  default     = {}
}
