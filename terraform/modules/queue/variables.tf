variable "name" {
  description = "Name of the queue; the dead-letter queue is <name>-dlq."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,76}$", var.name))
    error_message = "A queue name is 1-76 letters, digits, \"-\" or \"_\" (80 with the dead-letter queue's \"-dlq\")."
  }
}

variable "consumer_timeout_seconds" {
  description = "Timeout of the consumer function: the queue's visibility timeout is six times it."
  type        = number
  nullable    = false

  validation {
    condition     = var.consumer_timeout_seconds >= 1 && var.consumer_timeout_seconds <= 900 && floor(var.consumer_timeout_seconds) == var.consumer_timeout_seconds
    error_message = "consumer_timeout_seconds is a whole number from 1 to 900 (a Lambda timeout), so that six times it is a visibility timeout SQS accepts."
  }
}

variable "max_receive_count" {
  description = "Receives of a message before SQS moves it to the dead-letter queue."
  type        = number

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "max_receive_count is a whole number from 1 to 1000."
  }
}

variable "message_retention_seconds" {
  description = "How long the queue keeps a message nobody has handled."
  type        = number
  default     = 86400

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600 && floor(var.message_retention_seconds) == var.message_retention_seconds
    error_message = "message_retention_seconds is a whole number from 60 to 1209600 (14 days)."
  }
}

variable "dead_letter_retention_seconds" {
  description = "How long the dead-letter queue keeps a message, counted from when it was first sent to the queue."
  type        = number
  default     = 1209600

  validation {
    condition     = var.dead_letter_retention_seconds >= 60 && var.dead_letter_retention_seconds <= 1209600 && floor(var.dead_letter_retention_seconds) == var.dead_letter_retention_seconds
    error_message = "dead_letter_retention_seconds is a whole number from 60 to 1209600 (14 days)."
  }

  # A standard queue's message expires by its first enqueue time, in the dead-letter queue too.
  validation {
    condition     = var.dead_letter_retention_seconds > var.message_retention_seconds
    error_message = "dead_letter_retention_seconds must exceed message_retention_seconds, or dead letters expire as they arrive."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for both queues, or null for SQS-managed encryption (SSE-SQS)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "oldest_message_age_threshold_seconds" {
  description = "The age alarm goes off when the oldest message has waited longer than this for three minutes in a row."
  type        = number
  default     = 60

  validation {
    condition     = var.oldest_message_age_threshold_seconds >= 1
    error_message = "oldest_message_age_threshold_seconds must be 1 or more."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic both alarms notify when they go off and when they clear, or null for alarms without actions."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN."
  }
}

variable "tags" {
  description = "Tags for the queues and the alarms, on top of the provider's default tags."
  type        = map(string)
  default     = {}
}
