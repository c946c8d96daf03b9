console.log("hello from tenantctl", process.argv.slice(2))
