"""registry/register"""
