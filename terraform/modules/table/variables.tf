variable "name" {
  description = "Name of the DynamoDB table."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.name))
    error_message = "A table name is 3-255 characters: letters, digits, \"_\", \".\" or \"-\"."
  }
}

variable "hash_key" {
  description = "Partition key attribute of the table."
  type        = string
  nullable    = false
}

variable "range_key" {
  description = "Sort key attribute of the table, or null for a table without one."
  type        = string
  default     = null
}

variable "attributes" {
  description = "Key attributes of the table and its indexes (only attributes used in a key schema belong here)."
  type = list(object({
    name = string
    type = string
  }))

  validation {
    condition     = alltrue([for attribute in var.attributes : contains(["S", "N", "B"], attribute.type)])
    error_message = "Attribute types are \"S\", \"N\" or \"B\"."
  }

  validation {
    condition     = length(distinct([for attribute in var.attributes : attribute.name])) == length(var.attributes)
    error_message = "Each attribute is declared once."
  }
}

variable "global_secondary_indexes" {
  description = "Global secondary indexes. On-demand tables need no capacity settings for them."
  type = list(object({
    name               = string
    hash_key           = string
    range_key          = optional(string)
    projection_type    = optional(string, "ALL")
    non_key_attributes = optional(list(string))
  }))
  default = []

  validation {
    condition     = alltrue([for index in var.global_secondary_indexes : contains(["ALL", "KEYS_ONLY", "INCLUDE"], index.projection_type)])
    error_message = "projection_type is \"ALL\", \"KEYS_ONLY\" or \"INCLUDE\"."
  }

  validation {
    condition = alltrue(flatten([
      for index in var.global_secondary_indexes : [
        for key in compact([index.hash_key, index.range_key]) : contains([for attribute in var.attributes : attribute.name], key)
      ]
    ]))
    error_message = "Every index key must be declared in attributes."
  }
}

variable "ttl_attribute" {
  description = "Attribute holding each item's expiry (epoch seconds). DynamoDB deletes expired items in the background."
  type        = string
  nullable    = false

  validation {
    condition     = length(var.ttl_attribute) > 0
    error_message = "ttl_attribute must name an attribute: every record of a connection expires."
  }
}

variable "deletion_protection" {
  description = "Refuse DeleteTable while true. Turn it off (and apply) before destroying the stack."
  type        = bool
  nullable    = false
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for encryption at rest, or null for the AWS managed key (aws/dynamodb)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "tags" {
  description = "Tags for the table, on top of the provider's default tags."
  type        = map(string)
  default     = {}
}
