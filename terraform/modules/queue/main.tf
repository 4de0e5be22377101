# One queue of the route table with its dead-letter queue, and alarms on dead letters and on jobs left
# waiting. Both queues are encrypted. The consumer function's module maps the queue to the function.

locals {
  dead_letter_name = "${var.name}-dlq"

  # AWS advises six times the consumer's timeout: a job whose invocation is throttled or retried is
  # not handed to a second worker while the first may still be working on it.
  visibility_timeout_seconds = 6 * var.consumer_timeout_seconds

  # SQS-managed keys unless a customer key is given; the two settings exclude each other.
  sqs_managed_sse = var.kms_key_arn == null ? true : null

  alarm_actions = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]
}

################################################################################
# Queues
################################################################################

resource "aws_sqs_queue" "dead_letter" {
  name                      = local.dead_letter_name
  message_retention_seconds = var.dead_letter_retention_seconds
  sqs_managed_sse_enabled   = local.sqs_managed_sse
  kms_master_key_id         = var.kms_key_arn
  tags                      = var.tags
}

resource "aws_sqs_queue" "this" {
  name                       = var.name
  visibility_timeout_seconds = local.visibility_timeout_seconds
  message_retention_seconds  = var.message_retention_seconds
  sqs_managed_sse_enabled    = local.sqs_managed_sse
  kms_master_key_id          = var.kms_key_arn

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter.arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = var.tags
}

# Only this queue may move its messages to the dead-letter queue. A resource of its own: the queue
# names the dead-letter queue, so the dead-letter queue cannot name the queue in its own arguments.
resource "aws_sqs_queue_redrive_allow_policy" "dead_letter" {
  queue_url = aws_sqs_queue.dead_letter.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this.arn]
  })
}

################################################################################
# Alarms
################################################################################

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  alarm_name        = "${local.dead_letter_name}-messages"
  alarm_description = "Jobs of ${var.name} were received ${var.max_receive_count} times without success and wait in ${local.dead_letter_name}: their deliveries were not made."

  namespace   = "AWS/SQS"
  metric_name = "ApproximateNumberOfMessagesVisible"
  dimensions  = { QueueName = aws_sqs_queue.dead_letter.name }
  statistic   = "Maximum"
  period      = 60

  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions
  tags          = var.tags
}

resource "aws_cloudwatch_metric_alarm" "oldest_message_age" {
  alarm_name        = "${var.name}-oldest-message-age"
  alarm_description = "Jobs of ${var.name} have waited more than ${var.oldest_message_age_threshold_seconds} s for a worker: deliveries are late."

  namespace   = "AWS/SQS"
  metric_name = "ApproximateAgeOfOldestMessage"
  dimensions  = { QueueName = aws_sqs_queue.this.name }
  statistic   = "Maximum"
  period      = 60

  # Three minutes in a row: a backlog, not one slow burst.
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.oldest_message_age_threshold_seconds
  treat_missing_data  = "notBreaching"

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions
  tags          = var.tags
}
