output "url" {
  description = "URL of the queue (what senders are given)."
  value       = aws_sqs_queue.this.url
}

output "arn" {
  description = "ARN of the queue."
  value       = aws_sqs_queue.this.arn
}

output "name" {
  description = "Name of the queue."
  value       = aws_sqs_queue.this.name
}

output "dead_letter_name" {
  description = "Name of the dead-letter queue."
  value       = aws_sqs_queue.dead_letter.name
}

output "dead_letter_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.dead_letter.url
}

output "dead_letter_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dead_letter.arn
}

output "visibility_timeout_seconds" {
  description = "Visibility timeout of the queue: six times the consumer's timeout."
  value       = aws_sqs_queue.this.visibility_timeout_seconds
}

output "alarm_names" {
  description = "CloudWatch alarms on the queue: dead letters (dead_letters) and the age of the oldest job (oldest_message_age)."
  value = {
    dead_letters       = aws_cloudwatch_metric_alarm.dead_letters.alarm_name
    oldest_message_age = aws_cloudwatch_metric_alarm.oldest_message_age.alarm_name
  }
}
