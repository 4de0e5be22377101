output "alarm_names" {
  description = "Every alarm of this module, by key (<function>-errors, <function>-throttles, websocket-integration-errors, ..., table-throttled-requests)."
  value = merge(
    { for key, alarm in aws_cloudwatch_metric_alarm.metric : key => alarm.alarm_name },
    { "table-throttled-requests" = aws_cloudwatch_metric_alarm.table_throttled_requests.alarm_name },
  )
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}
