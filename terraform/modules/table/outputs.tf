output "name" {
  description = "Name of the table."
  value       = aws_dynamodb_table.this.name
}

output "arn" {
  description = "ARN of the table."
  value       = aws_dynamodb_table.this.arn
}

output "index_arns" {
  description = "ARN pattern matching every index of the table, for IAM statements that Query an index."
  value       = "${aws_dynamodb_table.this.arn}/index/*"
}
