provider "aws" {
  # null: the region comes from AWS_REGION or the profile, like the AWS CLI.
  region              = var.region
  allowed_account_ids = var.allowed_account_ids

  default_tags {
    tags = merge(
      {
        Application = var.name
        Environment = var.environment
        ManagedBy   = "terraform"
      },
      var.tags,
    )
  }
}
